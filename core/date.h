/* Calendar dates as day numbers (days since 1970-01-01, proleptic Gregorian, UTC) and the
 * injectable clock behind --now / CREDENCE_NOW. */
#ifndef CREDENCE_CORE_DATE_H
#define CREDENCE_CORE_DATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define DATE_BUF      11 /* "YYYY-MM-DD" plus NUL */
#define TIMESTAMP_BUF 21 /* "YYYY-MM-DDTHH:MM:SSZ" plus NUL */

int32_t date_from_ymd(int y, int m, int d);
void date_to_ymd(int32_t days, int *y, int *m, int *d);
bool date_is_leap(int y);
int date_days_in_month(int y, int m);
/* Parses exactly "YYYY-MM-DD" (a real calendar day) from s[0..len); false when malformed. */
bool date_parse(const char *s, size_t len, int32_t *out);
/* Parses "YYYY-MM-DD", "YYYY-MM-DDTHH:MM[:SS[.frac]][Z|+hh:mm|-hh:mm]" or with a space for T;
 * returns seconds since the epoch (UTC). */
bool date_parse_timestamp(const char *s, size_t len, int64_t *epoch_s);
/* Writes "YYYY-MM-DD" into buf (DATE_BUF bytes) and returns buf. */
char *date_format(int32_t days, char *buf);
/* Writes "YYYY-MM-DDTHH:MM:SSZ" into buf (TIMESTAMP_BUF bytes) and returns buf. */
char *date_format_timestamp(int64_t epoch_s, char *buf);
/* Adds n calendar months, clamping the day to the end of the month (Jan 31 + 1 = Feb 28/29). */
int32_t date_add_months(int32_t days, int n);

/* The clock: real time unless fixed with clock_fix (from --now or CREDENCE_NOW). */
void clock_fix(int64_t epoch_s);
void clock_unfix(void);
bool clock_is_fixed(void);
int64_t clock_now(void);
int32_t clock_today(void);

#endif
