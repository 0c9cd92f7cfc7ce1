/* dwconv1d_last_error() is per thread: a new thread starts with "", and
 * threads failing at the same time each read back their own message. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "test_common.h"

enum { thread_count = 4, rounds = 200 };

static const char *const arguments[thread_count] = {"kernel_size", "strides", "dilation_rate",
                                                    "depth_multiplier"};

typedef struct thread_report {
  int index;
  char first[256];   /* the message before this thread's first failure */
  int wrong_rounds;  /* rounds whose message did not name this thread's argument */
  char example[256]; /* one wrong message, if any */
} thread_report;

static dwconv1d_params params_with_zero(int index) {
  dwconv1d_params p = dwconv1d_params_default(3);
  switch (index) {
  case 0: p.kernel_size = 0; break;
  case 1: p.strides = 0; break;
  case 2: p.dilation_rate = 0; break;
  default: p.depth_multiplier = 0; break;
  }
  return p;
}

/* Messages live in the thread's own storage: copy them before it ends. */
static void *fail_repeatedly(void *arg) {
  thread_report *r = arg;
  snprintf(r->first, sizeof r->first, "%s", dwconv1d_last_error());
  const dwconv1d_params p = params_with_zero(r->index);
  for (int i = 0; i < rounds; ++i) {
    (void)dwconv1d_params_validate(&p);
    const char *message = dwconv1d_last_error();
    if (!test_contains_word(message, arguments[r->index])) {
      if (r->wrong_rounds++ == 0) snprintf(r->example, sizeof r->example, "%s", message);
    }
  }
  return NULL;
}

int main(void) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  test_counts counts = {0, 0, 0};
  /* The main thread fails first; the others must not see its message. */
  dwconv1d_params bad = dwconv1d_params_default(3);
  bad.padding = (dwconv1d_padding)9;
  (void)dwconv1d_params_validate(&bad);
  char mine[256];
  snprintf(mine, sizeof mine, "%s", dwconv1d_last_error());

  thread_report reports[thread_count];
  pthread_t threads[thread_count];
  int started = 0;
  for (int i = 0; i < thread_count; ++i) {
    memset(&reports[i], 0, sizeof reports[i]);
    reports[i].index = i;
    if (pthread_create(&threads[i], NULL, fail_repeatedly, &reports[i]) != 0) break;
    ++started;
  }
  for (int i = 0; i < started; ++i) pthread_join(threads[i], NULL);
  if (!test_count(&counts, started == thread_count)) printf("FAIL pthread_create\n");
  for (int i = 0; i < started; ++i) {
    if (!test_count(&counts, reports[i].first[0] == '\0'))
      printf("FAIL thread %d started with message \"%s\"\n", i, reports[i].first);
    if (!test_count(&counts, reports[i].wrong_rounds == 0))
      printf("FAIL thread %d: %d of %d messages did not name %s, e.g. \"%s\"\n", i,
             reports[i].wrong_rounds, rounds, arguments[i], reports[i].example);
  }
  if (!test_count(&counts, strcmp(mine, dwconv1d_last_error()) == 0 &&
                               test_contains_word(mine, "padding")))
    printf("FAIL the main thread's message changed: \"%s\" -> \"%s\"\n", mine,
           dwconv1d_last_error());
  return test_summary("test_thread_errors", &counts);
}
