/* The demo organisation's designed usage as a FOCUS export (cli/demo_usage.c). */
#ifndef CREDENCE_CLI_DEMO_USAGE_H
#define CREDENCE_CLI_DEMO_USAGE_H

#include "core/core.h"

/* Writes a FOCUS CSV with the usage of every pool in s from its start to today. */
enum status demo_usage_write(struct store *s, int32_t today, const char *path, struct strbuf *err);

#endif
