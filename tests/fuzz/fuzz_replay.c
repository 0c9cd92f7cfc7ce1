/* Replays fuzz inputs through the libFuzzer entry point without libFuzzer,
 * so builds without clang's fuzzer runtime (gcc, sanitizers, qemu, valgrind)
 * still run the committed corpus. Each input runs in a child process, so a
 * failing input (a check, a sanitizer report, a crash) is named and the
 * others still run.
 *   fuzz_replay FILE_OR_DIRECTORY...   (a directory: every file in it, sorted) */
#define _POSIX_C_SOURCE 200809L

#include <dirent.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fuzz_api.h"

static fuzz_counts total;

static void add_counts(const fuzz_counts *c) {
  total.inputs += c->inputs;
  total.refusals += c->refusals;
  total.layers += c->layers;
  total.forwards += c->forwards;
  total.reference_checks += c->reference_checks;
  total.parallel_forwards += c->parallel_forwards;
  total.initializer_fills += c->initializer_fills;
  total.stream_pushes += c->stream_pushes;
  total.stream_comparisons += c->stream_comparisons;
  total.pool_calls += c->pool_calls;
}

static uint8_t *read_whole(const char *path, size_t *size) {
  FILE *f = fopen(path, "rb");
  if (f == NULL)
    return NULL;
  uint8_t *data = NULL;
  size_t cap = 0, got;
  *size = 0;
  do {
    if (*size == cap) {
      cap = cap ? cap * 2 : 4096;
      uint8_t *bigger = realloc(data, cap);
      if (bigger == NULL) {
        free(data);
        fclose(f);
        return NULL;
      }
      data = bigger;
    }
    got = fread(data + *size, 1, cap - *size, f);
    *size += got;
  } while (got > 0);
  fclose(f);
  return data;
}

/* Runs one input in a child; its counts come back through a pipe. Returns 0
 * when every check passed. */
static int replay_file(const char *path) {
  size_t size;
  uint8_t *data = read_whole(path, &size);
  int fds[2];
  if (data == NULL || pipe(fds) != 0) {
    perror(path);
    free(data);
    return 1;
  }
  fflush(NULL);
  const pid_t child = fork();
  if (child == 0) {
    close(fds[0]);
    LLVMFuzzerTestOneInput(data, size);
    free(data);
    const ssize_t w = write(fds[1], fuzz_api_counts(), sizeof(fuzz_counts));
    close(fds[1]);
    exit(w == (ssize_t)sizeof(fuzz_counts) ? 0 : 1); /* exit, so leak checkers run */
  }
  close(fds[1]);
  free(data);
  fuzz_counts c;
  const bool got = child > 0 && read(fds[0], &c, sizeof c) == (ssize_t)sizeof c;
  close(fds[0]);
  int status = 0;
  if (child < 0 || waitpid(child, &status, 0) != child || !WIFEXITED(status) ||
      WEXITSTATUS(status) != 0 || !got) {
    printf("FAIL %s (%s %d)\n", path, WIFSIGNALED(status) ? "signal" : "exit status",
           WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
    return 1;
  }
  add_counts(&c);
  return 0;
}

static int by_name(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The regular files of a directory, in name order (reproducible runs). */
static int replay_directory(const char *dir, size_t *count, size_t *failed) {
  DIR *d = opendir(dir);
  if (d == NULL) {
    perror(dir);
    return 1;
  }
  char **names = NULL;
  size_t n = 0, cap = 0;
  int error = 0;
  for (struct dirent *e; !error && (e = readdir(d)) != NULL;) {
    if (e->d_name[0] == '.')
      continue;
    if (n == cap) {
      cap = cap ? cap * 2 : 64;
      char **bigger = realloc(names, cap * sizeof *names);
      error = bigger == NULL;
      names = bigger ? bigger : names;
      if (error)
        break;
    }
    const size_t len = strlen(dir) + strlen(e->d_name) + 2;
    if ((names[n] = malloc(len)) == NULL) {
      error = 1;
      break;
    }
    snprintf(names[n++], len, "%s/%s", dir, e->d_name);
  }
  closedir(d);
  if (n > 0)
    qsort(names, n, sizeof *names, by_name);
  for (size_t i = 0; i < n; i++) {
    struct stat st;
    if (!error && stat(names[i], &st) == 0 && S_ISREG(st.st_mode)) {
      *failed += (size_t)replay_file(names[i]);
      ++*count;
    }
    free(names[i]);
  }
  free(names);
  return error;
}

int main(int argc, char **argv) {
  size_t count = 0, failed = 0;
  int error = 0;
  setvbuf(stdout, NULL, _IOLBF, 0);
  if (argc < 2) {
    fprintf(stderr, "usage: %s FILE_OR_DIRECTORY...\n", argv[0]);
    return 2;
  }
  for (int i = 1; i < argc; i++) {
    struct stat st;
    if (stat(argv[i], &st) != 0) {
      perror(argv[i]);
      return 1;
    }
    if (S_ISDIR(st.st_mode)) {
      error |= replay_directory(argv[i], &count, &failed);
    } else {
      failed += (size_t)replay_file(argv[i]);
      count++;
    }
  }
  printf("fuzz_replay: %zu inputs replayed, %zu failed\n", count, failed);
  fuzz_api_print_counts(&total, stdout);
  return error || failed ? 1 : 0;
}
