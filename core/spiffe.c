/* SPIFFE ID validation: scheme, lowercase trust domain of [a-z0-9.-_], path segments of
 * [a-zA-Z0-9.-_] without empty, '.' or '..' segments, no query/fragment/percent-encoding, at most
 * 2048 bytes. */
#include "core/spiffe.h"

#include <string.h>

static bool td_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_';
}

static bool path_char(char c)
{
    return td_char(c) || (c >= 'A' && c <= 'Z');
}

static bool fail(const char *msg, size_t pos, const char **why, size_t *at)
{
    *why = msg;
    *at = pos;
    return false;
}

bool spiffe_id_valid(const char *s, size_t len, const char **why, size_t *at)
{
    static const char scheme[] = "spiffe://";
    const size_t sl = sizeof scheme - 1;
    if (len > SPIFFE_MAX_LEN)
        return fail("SPIFFE ID longer than 2048 bytes", SPIFFE_MAX_LEN, why, at);
    if (len < sl || memcmp(s, scheme, sl) != 0)
        return fail("SPIFFE ID must start with 'spiffe://' (lowercase scheme)", 0, why, at);
    size_t i = sl, td = i;
    while (i < len && s[i] != '/') {
        char c = s[i];
        if (c >= 'A' && c <= 'Z')
            return fail("trust domain must be lowercase", i, why, at);
        if (c == ':' || c == '@')
            return fail("trust domain must not carry a port or user info", i, why, at);
        if (c == '%')
            return fail("percent-encoding is not allowed", i, why, at);
        if (c == '?' || c == '#')
            return fail("query and fragment are not allowed", i, why, at);
        if (!td_char(c))
            return fail("trust domain allows only a-z, 0-9, '.', '-', '_'", i, why, at);
        i++;
    }
    if (i == td)
        return fail("trust domain is empty", td, why, at);
    if (i - td > SPIFFE_MAX_TRUST_DOMAIN)
        return fail("trust domain longer than 255 bytes", td, why, at);
    if (i == len)
        return true; /* the path is optional */
    /* s[i] == '/': one or more segments follow. */
    while (i < len) {
        size_t seg = ++i;
        while (i < len && s[i] != '/') {
            char c = s[i];
            if (c == '%')
                return fail("percent-encoding is not allowed", i, why, at);
            if (c == '?' || c == '#')
                return fail("query and fragment are not allowed", i, why, at);
            if (!path_char(c))
                return fail("path segments allow only a-z, A-Z, 0-9, '.', '-', '_'", i, why, at);
            i++;
        }
        size_t n = i - seg;
        if (n == 0)
            return fail(i == len ? "trailing '/' is not allowed" : "empty path segment", seg, why,
                        at);
        if ((n == 1 && s[seg] == '.') || (n == 2 && s[seg] == '.' && s[seg + 1] == '.'))
            return fail("'.' and '..' path segments are not allowed", seg, why, at);
    }
    return true;
}
