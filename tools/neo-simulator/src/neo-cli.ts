/**
 * Plays NEO against a callback URL (`npm run neo -- …` from the repository root):
 *
 *   npm run neo -- identify <callback-url> <login> <password>
 *   npm run neo -- authorise <callback-url> <subscriber-id> <product>
 *
 * Prints the HTTP status and the answer's JSON; exits 0 on a 2xx answer, 1 otherwise, 2 on bad usage.
 */
import { neoAuthorise, neoIdentify, type CallbackAnswer } from './neo-client.ts';

const USAGE = `usage: npm run neo -- identify <callback-url> <login> <password>
       npm run neo -- authorise <callback-url> <subscriber-id> <product>`;

async function main(args: readonly string[]): Promise<number> {
  const [command, callbackUrl, a, b] = args;
  let answer: CallbackAnswer;
  if (args.length === 4 && command === 'identify') answer = await neoIdentify(callbackUrl!, a!, b!);
  else if (args.length === 4 && (command === 'authorise' || command === 'authorize')) answer = await neoAuthorise(callbackUrl!, a!, b!);
  else {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  process.stdout.write(`HTTP ${answer.status}\n${typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body)}\n`);
  return answer.status >= 200 && answer.status < 300 ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`neo: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
