/* CSV writer. */
#include "core/csvw.h"

#include <string.h>

static void csvw_sep(struct strbuf *out, bool first)
{
    if (!first)
        sb_addc(out, ',');
}

static void csvw_quoted(struct strbuf *out, const char *prefix, const char *s)
{
    sb_addc(out, '"');
    sb_adds(out, prefix);
    for (const char *p = s; *p; p++) {
        if (*p == '"')
            sb_addc(out, '"');
        sb_addc(out, *p);
    }
    sb_addc(out, '"');
}

void csvw_text(struct strbuf *out, const char *s, bool first)
{
    csvw_sep(out, first);
    if (!s)
        return;
    if (strchr("=+-@\t\r", s[0]) && s[0] != '\0') {
        csvw_quoted(out, "'", s);
        return;
    }
    if (strpbrk(s, ",\"\r\n"))
        csvw_quoted(out, "", s);
    else
        sb_adds(out, s);
}

void csvw_raw(struct strbuf *out, const char *s, bool first)
{
    csvw_sep(out, first);
    if (!s)
        return;
    if (strpbrk(s, ",\"\r\n"))
        csvw_quoted(out, "", s);
    else
        sb_adds(out, s);
}

void csvw_end(struct strbuf *out)
{
    sb_adds(out, "\r\n");
}
