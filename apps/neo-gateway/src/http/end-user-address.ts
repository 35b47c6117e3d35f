import proxyAddr from '@fastify/proxy-addr';
import ipaddr from 'ipaddr.js';

/**
 * The header NEO (or a proxy in front of the gateway) sets to the address of the end user whose
 * login is being identified. The request itself always comes from NEO's servers, so R14's
 * per-address limits use this address — and only when the request comes from a configured
 * trusted range (`GATEWAY_END_USER_ADDRESS_TRUSTED`), since anyone else could write any value.
 */
export const END_USER_ADDRESS_HEADER = 'x-end-user-ip';

/** Reads the end user's address of a request, or undefined when there is none to trust. */
export type EndUserAddressOf = (peerAddress: string | undefined, header: string | string[] | undefined) => string | undefined;

/**
 * `trusted`: CIDR ranges, single addresses, or proxy-addr's names (`loopback`, `linklocal`,
 * `uniquelocal`) of the peers whose header is believed; empty: the header is always ignored.
 * Throws a TypeError on an entry that is not one of these.
 *
 * The address returned is the limiter key: an IPv4 address as is, an IPv6 address reduced to its
 * /64 (one subscriber line usually holds a whole /64, so rotating within it does not reset the
 * limit). An IPv4-mapped IPv6 address counts as its IPv4 address.
 */
export function endUserAddressReader(trusted: readonly string[]): EndUserAddressOf {
  if (trusted.length === 0) return () => undefined;
  const trust = proxyAddr.compile([...trusted]);
  return (peer, header) => {
    if (peer === undefined || typeof header !== 'string' || header.length > 64) return undefined;
    if (!trust(peer, 0)) return undefined;
    return limiterKeyOf(header.trim());
  };
}

/** The limiter key of a written address (see {@link endUserAddressReader}), or undefined when it is not an address. */
export function limiterKeyOf(text: string): string | undefined {
  if (!ipaddr.isValid(text)) return undefined;
  const address = ipaddr.process(text);
  if (address.kind() === 'ipv4') return address.toString();
  const parts = (address as ipaddr.IPv6).parts;
  return `${parts.slice(0, 4).map((part) => part.toString(16)).join(':')}::/64`;
}
