/* The CPU traits the kernels' choices read (dispatch/cpu.h), against what
 * the operating system says of the same CPU: on x86-64, the L1 data
 * cache's ways and the last-level cache's size from CPUID's cache leaf
 * must be those Linux lists in sysfs (skipped where the CPU hides the leaf:
 * Linux then derives its figure from older leaves, for AMD's L1 through a
 * table meant for L2, so the two need not agree); elsewhere the probe
 * reports none. Built from the probe's
 * own source, not the library, whose internals are not exported. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cpu.h"

#if defined(__x86_64__) && defined(__linux__)
#define COMPARE_WITH_SYSFS 1
enum { SKIP = 77 };

static int read_line(const char *dir, const char *name, char *buf, size_t size) {
  char path[256];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  FILE *f = fopen(path, "r");
  if (f == NULL)
    return -1;
  const int ok = fgets(buf, (int)size, f) != NULL;
  fclose(f);
  if (!ok)
    return -1;
  buf[strcspn(buf, "\n")] = '\0';
  return 0;
}

/* Cache index i of cpu0 as sysfs lists it: level, type ("Data",
 * "Instruction", "Unified"), ways and size. False past the list's end;
 * a field sysfs leaves out reads as 0. */
struct sysfs_cache {
  unsigned level, ways;
  char type[32];
  size_t bytes;
};

static bool sysfs_cache(int i, struct sysfs_cache *c) {
  char dir[128], level[16], ways[16], size[32];
  snprintf(dir, sizeof dir, "/sys/devices/system/cpu/cpu0/cache/index%d", i);
  *c = (struct sysfs_cache){0};
  if (read_line(dir, "level", level, sizeof level) != 0 || sscanf(level, "%u", &c->level) != 1)
    return false;
  size_t kib = 0;
  if (read_line(dir, "type", c->type, sizeof c->type) != 0)
    c->type[0] = '\0';
  if (read_line(dir, "ways_of_associativity", ways, sizeof ways) != 0 ||
      sscanf(ways, "%u", &c->ways) != 1)
    c->ways = 0;
  if (read_line(dir, "size", size, sizeof size) == 0 && sscanf(size, "%zuK", &kib) == 1)
    c->bytes = kib * 1024;
  return true;
}

/* The L1 data cache's ways as cpu0's sysfs lists them, or 0 if it does not. */
static unsigned sysfs_l1d_ways(void) {
  struct sysfs_cache c;
  for (int i = 0; i < 16 && sysfs_cache(i, &c); i++)
    if (c.level == 1 && strcmp(c.type, "Data") == 0)
      return c.ways;
  return 0;
}

/* The size in bytes of the highest-level data or unified cache cpu0's sysfs
 * lists, or 0 if it lists none. */
static size_t sysfs_llc_bytes(void) {
  struct sysfs_cache c;
  unsigned top = 0;
  size_t bytes = 0;
  for (int i = 0; i < 16 && sysfs_cache(i, &c); i++)
    if (c.bytes > 0 && c.type[0] != '\0' && strcmp(c.type, "Instruction") != 0 && c.level > top)
      top = c.level, bytes = c.bytes;
  return bytes;
}
#endif

int main(void) {
  const unsigned ways = dwconv1d_cpu_l1d_ways();
#ifdef COMPARE_WITH_SYSFS
  if (ways == 0) {
    printf("SKIP: CPUID describes no caches in its cache leaf\n");
    return SKIP;
  }
  const unsigned listed = sysfs_l1d_ways();
  if (listed == 0) {
    printf("SKIP: sysfs lists no L1 data cache ways (probe says %u)\n", ways);
    return SKIP;
  }
  if (ways != listed) {
    printf("FAIL: CPUID gives %u ways for the L1 data cache, sysfs %u\n", ways, listed);
    return 1;
  }
  printf("ok: L1 data cache of %u ways, as sysfs lists\n", ways);
  const size_t llc = dwconv1d_cpu_llc_bytes(), llc_listed = sysfs_llc_bytes();
  if (llc != llc_listed) {
    printf("FAIL: CPUID gives a last-level cache of %zu bytes, sysfs %zu\n", llc, llc_listed);
    return 1;
  }
  printf("ok: last-level cache of %zu KiB, as sysfs lists\n", llc / 1024);
#else
  if (ways != 0 || dwconv1d_cpu_llc_bytes() != 0) {
    printf("FAIL: the probe reports %u L1d ways and a %zu-byte last-level cache where it "
           "reads none\n",
           ways, dwconv1d_cpu_llc_bytes());
    return 1;
  }
  printf("ok: no L1d ways or last-level cache reported on this architecture\n");
#endif
  return 0;
}
