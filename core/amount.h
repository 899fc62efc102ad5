/* Exact amounts: money, tokens and credits are int64 micro-units (1e-6), never floats, so
 * totals over millions of rows equal the input's sum to the cent. Range: +/- 9.2e12 units. */
#ifndef CREDENCE_CORE_AMOUNT_H
#define CREDENCE_CORE_AMOUNT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define AMOUNT_SCALE INT64_C(1000000)
#define AMOUNT_BUF   40

enum amount_parse_result {
    AMOUNT_OK,
    AMOUNT_SYNTAX, /* not a decimal number */
    AMOUNT_RANGE,  /* beyond +/- 9.2e12 */
};

/* Parses a decimal ("-12.5", "1e3", "0.0000015", "1.2E-05") from s[0..len) into micro-units,
 * rounding half away from zero beyond six decimals. No thousands separators, no spaces. */
enum amount_parse_result amount_parse(const char *s, size_t len, int64_t *micros);
/* Formats micros with exactly `decimals` places (0..6, rounded half away from zero) and, when
 * group is true, ',' between thousands: "8,412.50". Writes into buf (AMOUNT_BUF bytes). */
char *amount_format(int64_t micros, int decimals, bool group, char *buf);
/* Rounds micros to a whole number of 10^-decimals units, half away from zero. */
int64_t amount_round(int64_t micros, int decimals);
/* Rounds a positive amount up to two significant digits (6,234 -> 6,300; 118 -> 120): grants
 * proposed from usage read as round numbers. Zero or less gives 0. */
int64_t amount_round_up_2sig(int64_t micros);
/* micros as a double rounded to cents, for JSON output only (never for arithmetic). */
double amount_to_cents_double(int64_t micros);
/* a * pct / 100 with pct in micro-percent precision as a double percent; rounds to micros. */
int64_t amount_percent_of(int64_t micros, double pct);

#endif
