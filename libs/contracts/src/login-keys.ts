/**
 * How logins and passwords are turned into keys and verifiers (R1, R2, R14), so that
 * subscriptions (which writes them) and the gateway (which matches them) agree without either
 * sharing code or holding plaintext. Each side implements this text; both test against
 * `loginKeyVectors`.
 *
 * 1. Normalise the typed value by login field:
 *    - `cpf_cnpj`: keep digits only (`123.456.789-09` → `12345678909`);
 *    - `email`: trim, lowercase;
 *    - `customer_code`: trim;
 *    - `login_autenticacao`: trim (the network login); its password is taken as typed.
 * 2. `key = base64url(HMAC-SHA256(K, "<loginField>:" + normalisedLogin))`.
 * 3. `verifier = base64url(HMAC-SHA256(K, "pw:" + normalisedPassword))`, where the password is
 *    normalised like the login for every field but `login_autenticacao` (R2: with those fields
 *    the password equals the login value).
 *
 * K is a secret shared by subscriptions and the gateway (`LOGIN_HASH_KEY`), never sent on the bus.
 */
export const loginKeyVectors = [
  {
    hashKey: 'test-login-hash-key-0123456789abcdef',
    loginField: 'cpf_cnpj',
    login: '123.456.789-09',
    password: '123.456.789-09',
    key: 'S3HI4v9gBfWJ9z2Ed7gYOahlMJcCH3V0D4WvoOSwJuM',
    verifier: '0WJDlzI-SpSYuu1-gv_OA-U7veKxSWn3JNwOJEh1Xok',
  },
  {
    hashKey: 'test-login-hash-key-0123456789abcdef',
    loginField: 'login_autenticacao',
    login: ' maria.pppoe ',
    password: 'S3nh@ forte',
    key: 'kqAWhzOWVmJNFFdATUcpTE6bsWXQ-eB8Rvs_qw7ANLE',
    verifier: 'CQ5lgUVHVaWt7dH7i9VmhD4mIPdhB2PdhfjDgUza0Q8',
  },
  {
    hashKey: 'test-login-hash-key-0123456789abcdef',
    loginField: 'email',
    login: ' Maria@Example.com',
    password: 'maria@example.COM ',
    key: 'R3ClSbAfaSxooKjSZad_yhsrkcoAtomYHsMEVy__vFs',
    verifier: 'YHPM46vARbPjMTJabfXWVsuxmPzjtUu7ueq-iwDpMfs',
  },
] as const;
