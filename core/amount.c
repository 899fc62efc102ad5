/* Decimal parsing and formatting of micro-unit amounts. */
#include "core/amount.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static const uint64_t pow10_u64[20] = {1ULL,
                                       10ULL,
                                       100ULL,
                                       1000ULL,
                                       10000ULL,
                                       100000ULL,
                                       1000000ULL,
                                       10000000ULL,
                                       100000000ULL,
                                       1000000000ULL,
                                       10000000000ULL,
                                       100000000000ULL,
                                       1000000000000ULL,
                                       10000000000000ULL,
                                       100000000000000ULL,
                                       1000000000000000ULL,
                                       10000000000000000ULL,
                                       100000000000000000ULL,
                                       1000000000000000000ULL,
                                       10000000000000000000ULL};

enum amount_parse_result amount_parse(const char *s, size_t len, int64_t *micros)
{
    size_t i = 0;
    bool neg = false;
    if (i < len && (s[i] == '+' || s[i] == '-'))
        neg = s[i++] == '-';
    uint64_t mant = 0;
    int ndig = 0;     /* significant digits kept in mant */
    int exp10 = 0;    /* value = mant * 10^exp10 */
    bool any = false; /* saw at least one digit */
    bool round_up = false;
    bool dropped = false; /* digits beyond what mant can hold */
    for (; i < len && s[i] >= '0' && s[i] <= '9'; i++) {
        any = true;
        if (ndig < 18) {
            mant = mant * 10 + (uint64_t)(s[i] - '0');
            if (mant)
                ndig++;
        } else {
            if (!dropped)
                round_up = s[i] >= '5';
            dropped = true;
            exp10++;
        }
    }
    if (i < len && s[i] == '.') {
        i++;
        for (; i < len && s[i] >= '0' && s[i] <= '9'; i++) {
            any = true;
            if (ndig < 18) {
                mant = mant * 10 + (uint64_t)(s[i] - '0');
                if (mant)
                    ndig++;
                exp10--;
            } else if (!dropped) {
                round_up = s[i] >= '5';
                dropped = true;
            }
        }
    }
    if (!any)
        return AMOUNT_SYNTAX;
    if (i < len && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        bool eneg = false;
        if (i < len && (s[i] == '+' || s[i] == '-'))
            eneg = s[i++] == '-';
        int e = 0;
        bool edig = false;
        for (; i < len && s[i] >= '0' && s[i] <= '9'; i++) {
            edig = true;
            if (e < 10000)
                e = e * 10 + (s[i] - '0');
        }
        if (!edig)
            return AMOUNT_SYNTAX;
        exp10 += eneg ? -e : e;
    }
    if (i != len)
        return AMOUNT_SYNTAX;
    if (round_up && !dropped)
        round_up = false;
    if (dropped && round_up)
        mant++; /* rounding at the 19th significant digit is far below a micro-unit here */
    int shift = exp10 + 6; /* micros = mant * 10^shift */
    uint64_t v;
    if (mant == 0) {
        v = 0;
    } else if (shift >= 0) {
        if (shift > 19 || mant > UINT64_MAX / pow10_u64[shift])
            return AMOUNT_RANGE;
        v = mant * pow10_u64[shift];
    } else if (-shift > 19) {
        v = 0;
    } else {
        uint64_t div = pow10_u64[-shift];
        v = mant / div;
        if (mant % div >= (div + 1) / 2)
            v++;
    }
    if (v > (uint64_t)INT64_MAX)
        return AMOUNT_RANGE;
    *micros = neg ? -(int64_t)v : (int64_t)v;
    return AMOUNT_OK;
}

int64_t amount_round(int64_t micros, int decimals)
{
    if (decimals >= 6)
        return micros;
    if (decimals < 0)
        decimals = 0;
    int64_t unit = (int64_t)pow10_u64[6 - decimals];
    int64_t half = unit / 2;
    int64_t q = micros >= 0 ? (micros + half) / unit : -((-micros + half) / unit);
    return q * unit;
}

char *amount_format(int64_t micros, int decimals, bool group, char *buf)
{
    if (decimals < 0)
        decimals = 0;
    if (decimals > 6)
        decimals = 6;
    int64_t r = amount_round(micros, decimals);
    bool neg = r < 0;
    uint64_t a = neg ? (uint64_t)(-(r + 1)) + 1 : (uint64_t)r;
    uint64_t whole = a / 1000000u;
    uint64_t frac = (a % 1000000u) / pow10_u64[6 - decimals];
    char digits[32];
    int nd = snprintf(digits, sizeof digits, "%llu", (unsigned long long)whole);
    char *p = buf;
    if (neg)
        *p++ = '-';
    for (int i = 0; i < nd; i++) {
        *p++ = digits[i];
        int left = nd - i - 1;
        if (group && left > 0 && left % 3 == 0)
            *p++ = ',';
    }
    if (decimals > 0)
        snprintf(p, AMOUNT_BUF - (size_t)(p - buf), ".%0*llu", decimals, (unsigned long long)frac);
    else
        *p = '\0';
    return buf;
}

double amount_to_cents_double(int64_t micros)
{
    return (double)(amount_round(micros, 2) / 10000) / 100.0;
}

int64_t amount_percent_of(int64_t micros, double pct)
{
    long double v = (long double)micros * (long double)pct / 100.0L;
    return (int64_t)llroundl(v);
}

int64_t amount_round_up_2sig(int64_t micros)
{
    if (micros <= 0)
        return 0;
    int64_t unit = AMOUNT_SCALE;
    while (micros / unit >= 100)
        unit *= 10;
    return (micros + unit - 1) / unit * unit;
}
