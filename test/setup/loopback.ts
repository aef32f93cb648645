/**
 * vitest setupFile: the servers the tests start listen on loopback, and a
 * CI runner behind a proxy (HTTP_PROXY, HTTPS_PROXY) must not send the tests'
 * requests to it: axios reads those variables, and a NO_PROXY that does not
 * list 127.0.0.1 routed every axios test through the proxy. Loopback is
 * added to NO_PROXY (both spellings); the proxy stays for what needs it (npm
 * installing the tarball's dependencies from the registry).
 */
const LOOPBACK = "127.0.0.1,localhost,::1"

for (const name of ["NO_PROXY", "no_proxy"]) {
  const given = process.env[name]
  process.env[name] = given === undefined || given.trim() === "" ? LOOPBACK : `${given},${LOOPBACK}`
}
