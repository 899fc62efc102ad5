/* UTF-8 validation (RFC 3629) and control-character stripping for untrusted text. */
#include "core/text.h"

#include <langinfo.h>
#include <string.h>
#include <wchar.h>

#include "core/xalloc.h"

/* Length of the valid UTF-8 sequence at s (at most n bytes), or 0 when invalid. */
static size_t utf8_seq_len(const unsigned char *s, size_t n)
{
    unsigned c = s[0];
    if (c < 0x80)
        return 1;
    size_t need;
    unsigned cp;
    if (c >= 0xC2 && c <= 0xDF) {
        need = 2;
        cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        need = 3;
        cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        need = 4;
        cp = c & 0x07;
    } else {
        return 0;
    }
    if (n < need)
        return 0;
    for (size_t i = 1; i < need; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    if ((need == 3 && cp < 0x800) || (need == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
        return 0;
    if (cp >= 0xD800 && cp <= 0xDFFF)
        return 0;
    return need;
}

bool utf8_valid(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < len) {
        if (p[i] < 0x80) {
            i++;
            continue;
        }
        size_t n = utf8_seq_len(p + i, len - i);
        if (!n)
            return false;
        i += n;
    }
    return true;
}

void text_sanitize(struct strbuf *out, const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < len) {
        unsigned c = p[i];
        if (c < 0x80) {
            sb_addc(out, (c < 0x20 || c == 0x7F) ? '?' : (char)c);
            i++;
            continue;
        }
        size_t n = utf8_seq_len(p + i, len - i);
        if (!n) {
            sb_addc(out, '?');
            i++;
            continue;
        }
        /* C1 controls U+0080..U+009F are encoded as C2 80..C2 9F. */
        if (n == 2 && c == 0xC2 && p[i + 1] < 0xA0)
            sb_addc(out, '?');
        else
            sb_add(out, s + i, n);
        i += n;
    }
}

char *text_sanitized_dup(const char *s)
{
    struct strbuf sb;
    sb_init(&sb);
    if (s)
        text_sanitize(&sb, s, strlen(s));
    return sb_steal(&sb);
}

bool text_ieq(const char *lit, const char *s, size_t len)
{
    size_t i = 0;
    for (; i < len && lit[i]; i++) {
        char a = lit[i], b = s[i];
        if (a >= 'A' && a <= 'Z')
            a = (char)(a - 'A' + 'a');
        if (b >= 'A' && b <= 'Z')
            b = (char)(b - 'A' + 'a');
        if (a != b)
            return false;
    }
    return i == len && lit[i] == '\0';
}

void text_trim(const char **s, size_t *len)
{
    const char *p = *s;
    size_t n = *len;
    while (n && (*p == ' ' || *p == '\t')) {
        p++;
        n--;
    }
    while (n && (p[n - 1] == ' ' || p[n - 1] == '\t'))
        n--;
    *s = p;
    *len = n;
}

bool text_glob_match(const char *pat, const char *s)
{
    const char *star = NULL, *resume = NULL;
    while (*s) {
        if (*pat == '*') {
            star = pat++;
            resume = s;
        } else if (*pat == '?' || *pat == *s) {
            pat++;
            s++;
        } else if (star) {
            pat = star + 1;
            s = ++resume;
        } else {
            return false;
        }
    }
    while (*pat == '*')
        pat++;
    return *pat == '\0';
}

bool text_next_item(const char **cursor, const char *end, char sep, const char **item, size_t *len)
{
    const char *p = *cursor;
    if (!p || p > end)
        return false;
    const char *q = memchr(p, sep, (size_t)(end - p));
    const char *stop = q ? q : end;
    *item = p;
    *len = (size_t)(stop - p);
    text_trim(item, len);
    *cursor = q ? q + 1 : end + 1;
    return true;
}

/* Decodes one UTF-8 character of valid input; returns its byte length. */
static size_t utf8_decode(const unsigned char *s, wchar_t *wc)
{
    if (s[0] < 0x80) {
        *wc = s[0];
        return 1;
    }
    size_t n = s[0] >= 0xF0 ? 4 : s[0] >= 0xE0 ? 3 : 2;
    unsigned cp = s[0] & (n == 2 ? 0x1F : n == 3 ? 0x0F : 0x07);
    for (size_t i = 1; i < n; i++)
        cp = (cp << 6) | (s[i] & 0x3F);
    *wc = (wchar_t)cp;
    return n;
}

static int char_width(wchar_t wc)
{
    int w = wcwidth(wc);
    return w < 0 ? 1 : w;
}

int text_display_width(const char *s)
{
    int w = 0;
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        wchar_t wc;
        p += utf8_decode(p, &wc);
        w += char_width(wc);
    }
    return w;
}

void text_fit(struct strbuf *out, const char *s, int width, bool pad)
{
    struct strbuf clean;
    sb_init(&clean);
    text_sanitize(&clean, s ? s : "", s ? strlen(s) : 0);
    int total = text_display_width(sb_str(&clean));
    if (width < 0 || total <= width) {
        sb_add(out, clean.buf ? clean.buf : "", clean.len);
        for (int i = total; pad && i < width; i++)
            sb_addc(out, ' ');
        sb_done(&clean);
        return;
    }
    bool utf8 = strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
    int used = 0;
    const unsigned char *p = (const unsigned char *)sb_str(&clean);
    while (*p && width > 0) {
        wchar_t wc;
        size_t n = utf8_decode(p, &wc);
        int w = char_width(wc);
        if (used + w > width - 1)
            break;
        sb_add(out, (const char *)p, n);
        used += w;
        p += n;
    }
    if (width > 0) {
        sb_adds(out, utf8 ? "\u2026" : "~");
        used++;
    }
    for (; pad && used < width; used++)
        sb_addc(out, ' ');
    sb_done(&clean);
}

char *text_ascii_lower(char *s)
{
    for (char *p = s; *p; p++)
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p + ('a' - 'A'));
    return s;
}

char *text_ascii_upper(char *s)
{
    for (char *p = s; *p; p++)
        if (*p >= 'a' && *p <= 'z')
            *p = (char)(*p - ('a' - 'A'));
    return s;
}
