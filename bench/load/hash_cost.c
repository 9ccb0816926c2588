/* Cost of one Argon2id password check as Tessera does it (libsodium crypto_pwhash_str_verify,
 * Tessera's defaults: 2 passes, 64 MiB). Prints the median of N verifies in milliseconds.
 *   cc -O2 hash_cost.c -lsodium -o hash_cost && ./hash_cost [N]                              */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int cmp(const void* a, const void* b) {
  double x = *(const double*)a, y = *(const double*)b;
  return (x > y) - (x < y);
}

int main(int argc, char** argv) {
  int n = argc > 1 ? atoi(argv[1]) : 7;
  if (n < 1 || n > 100 || sodium_init() < 0) return 1;
  const char* pw = "correct horse battery staple";
  char hash[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(hash, pw, strlen(pw), 2, 64u * 1024u * 1024u) != 0) return 1;
  double ms[100];
  for (int i = 0; i < n; i++) {
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    if (crypto_pwhash_str_verify(hash, pw, strlen(pw)) != 0) return 1;
    clock_gettime(CLOCK_MONOTONIC, &b);
    ms[i] = (b.tv_sec - a.tv_sec) * 1e3 + (b.tv_nsec - a.tv_nsec) / 1e6;
  }
  qsort(ms, n, sizeof ms[0], cmp);
  printf("tessera (libsodium %s, Argon2id t=2 m=64MiB p=1): %.1f ms per verify (median of %d)\n",
         sodium_version_string(), ms[n / 2], n);
  return 0;
}
