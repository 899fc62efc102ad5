/* Civil-date arithmetic (Howard Hinnant's days_from_civil) and the injectable clock. */
#include "core/date.h"

#include <string.h>

int32_t date_from_ymd(int y, int m, int d)
{
    y -= m <= 2;
    const int era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = (unsigned)(y - era * 400);
    const unsigned doy = (153u * (unsigned)(m > 2 ? m - 3 : m + 9) + 2u) / 5u + (unsigned)d - 1u;
    const unsigned doe = yoe * 365u + yoe / 4u - yoe / 100u + doy;
    return (int32_t)(era * 146097 + (int)doe - 719468);
}

void date_to_ymd(int32_t days, int *y, int *m, int *d)
{
    const int32_t z = days + 719468;
    const int32_t era = (z >= 0 ? z : z - 146096) / 146097;
    const unsigned doe = (unsigned)(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460u + doe / 36524u - doe / 146096u) / 365u;
    const unsigned doy = doe - (365u * yoe + yoe / 4u - yoe / 100u);
    const unsigned mp = (5u * doy + 2u) / 153u;
    *d = (int)(doy - (153u * mp + 2u) / 5u + 1u);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)yoe + era * 400 + (*m <= 2);
}

bool date_is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int date_days_in_month(int y, int m)
{
    static const int dim[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && date_is_leap(y) ? 29 : dim[m - 1];
}

static bool digits(const char *s, size_t n, int *out)
{
    int v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
}

bool date_parse(const char *s, size_t len, int32_t *out)
{
    int y, m, d;
    if (len != 10 || s[4] != '-' || s[7] != '-')
        return false;
    if (!digits(s, 4, &y) || !digits(s + 5, 2, &m) || !digits(s + 8, 2, &d))
        return false;
    if (y < 1900 || y > 9999 || m < 1 || m > 12 || d < 1 || d > date_days_in_month(y, m))
        return false;
    *out = date_from_ymd(y, m, d);
    return true;
}

bool date_parse_timestamp(const char *s, size_t len, int64_t *epoch_s)
{
    int32_t day;
    if (len < 10 || !date_parse(s, 10, &day))
        return false;
    int64_t secs = (int64_t)day * 86400;
    size_t i = 10;
    if (i == len) {
        *epoch_s = secs;
        return true;
    }
    if (s[i] != 'T' && s[i] != ' ')
        return false;
    i++;
    int hh, mm, ss = 0;
    if (len < i + 5 || !digits(s + i, 2, &hh) || s[i + 2] != ':' || !digits(s + i + 3, 2, &mm))
        return false;
    i += 5;
    if (i < len && s[i] == ':') {
        if (len < i + 3 || !digits(s + i + 1, 2, &ss))
            return false;
        i += 3;
        if (i < len && s[i] == '.') { /* fractional seconds are dropped */
            i++;
            size_t start = i;
            while (i < len && s[i] >= '0' && s[i] <= '9')
                i++;
            if (i == start)
                return false;
        }
    }
    if (hh > 23 || mm > 59 || ss > 60)
        return false;
    secs += hh * 3600 + mm * 60 + ss;
    if (i < len && s[i] == 'Z') {
        i++;
    } else if (i < len && (s[i] == '+' || s[i] == '-')) {
        int oh, om;
        int sign = s[i] == '+' ? 1 : -1;
        if (len < i + 3 || !digits(s + i + 1, 2, &oh))
            return false;
        i += 3;
        om = 0;
        if (i < len && s[i] == ':')
            i++;
        if (i + 2 <= len && digits(s + i, 2, &om))
            i += 2;
        if (oh > 23 || om > 59)
            return false;
        secs -= sign * (oh * 3600 + om * 60);
    }
    if (i != len)
        return false;
    /* an offset must not move the instant past 9999-12-31, which no YYYY-MM-DD can name */
    if (secs >= ((int64_t)date_from_ymd(9999, 12, 31) + 1) * 86400)
        return false;
    *epoch_s = secs;
    return true;
}

/* Writes v as exactly n decimal digits (v is reduced modulo 10^n; callers keep it in range). */
static char *put_digits(char *p, unsigned v, int n)
{
    for (int i = n - 1; i >= 0; i--) {
        p[i] = (char)('0' + v % 10);
        v /= 10;
    }
    return p + n;
}

char *date_format(int32_t days, char *buf)
{
    int y, m, d;
    date_to_ymd(days, &y, &m, &d);
    char *p = put_digits(buf, (unsigned)(y < 0 ? 0 : y), 4);
    *p++ = '-';
    p = put_digits(p, (unsigned)m, 2);
    *p++ = '-';
    p = put_digits(p, (unsigned)d, 2);
    *p = '\0';
    return buf;
}

char *date_format_timestamp(int64_t epoch_s, char *buf)
{
    int64_t days = epoch_s >= 0 ? epoch_s / 86400 : (epoch_s - 86399) / 86400;
    int64_t rem = epoch_s - days * 86400;
    date_format((int32_t)days, buf);
    char *p = buf + 10;
    *p++ = 'T';
    p = put_digits(p, (unsigned)(rem / 3600), 2);
    *p++ = ':';
    p = put_digits(p, (unsigned)(rem / 60 % 60), 2);
    *p++ = ':';
    p = put_digits(p, (unsigned)(rem % 60), 2);
    *p++ = 'Z';
    *p = '\0';
    return buf;
}

int32_t date_add_months(int32_t days, int n)
{
    int y, m, d;
    date_to_ymd(days, &y, &m, &d);
    int total = y * 12 + (m - 1) + n;
    y = total / 12;
    m = total % 12 + 1;
    int dim = date_days_in_month(y, m);
    return date_from_ymd(y, m, d > dim ? dim : d);
}

static bool clock_fixed;
static int64_t clock_fixed_at;

void clock_fix(int64_t epoch_s)
{
    clock_fixed = true;
    clock_fixed_at = epoch_s;
}

void clock_unfix(void)
{
    clock_fixed = false;
}

bool clock_is_fixed(void)
{
    return clock_fixed;
}

int64_t clock_now(void)
{
    return clock_fixed ? clock_fixed_at : (int64_t)time(NULL);
}

int32_t clock_today(void)
{
    int64_t t = clock_now();
    return (int32_t)(t >= 0 ? t / 86400 : (t - 86399) / 86400);
}
