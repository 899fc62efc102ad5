/* Format table and detection. */
#include "importers/importers.h"

#include <stdio.h>
#include <string.h>

#include "importers/source.h"

static const struct {
    const char *name, *desc;
} formats[IMP__COUNT] = {
#define IMP_ROW_(e, name, desc) [IMP_##e] = {name, desc},
    IMP_FORMATS(IMP_ROW_)
#undef IMP_ROW_
};

const char *imp_format_name(enum imp_format f)
{
    return (unsigned)f < IMP__COUNT ? formats[f].name : "unknown";
}

bool imp_format_parse(const char *s, enum imp_format *out)
{
    for (int f = 0; f < IMP__COUNT; f++)
        if (strcmp(formats[f].name, s) == 0) {
            *out = (enum imp_format)f;
            return true;
        }
    return false;
}

const char *imp_formats_known(void)
{
    static char buf[512];
    if (!buf[0]) {
        size_t off = 0;
        for (int f = 0; f < IMP__COUNT && off < sizeof buf; f++)
            off += (size_t)snprintf(buf + off, sizeof buf - off, "%s%s (%s)", f ? ", " : "",
                                    formats[f].name, formats[f].desc);
    }
    return buf;
}

enum status imp_detect(const char *path, enum imp_format *out, const char **what,
                       struct strbuf *err)
{
    const char *dummy;
    if (!what)
        what = &dummy;
    *what = NULL;
    struct source *src = NULL;
    enum status st = source_open(path, &src, err);
    if (st != ST_OK)
        return st;
    char head[8192];
    ssize_t n = source_read(src, head, sizeof head - 1, err);
    source_free(&src);
    if (n < 0)
        return ST_BAD_DATA;
    head[n] = '\0';
    /* Binary data (or UTF-16, which Excel writes) is named as such before any shape sniffing:
     * random bytes can start with '{' and must not be reported as broken JSON. */
    const unsigned char *u = (const unsigned char *)head;
    if (n >= 2 && ((u[0] == 0xFF && u[1] == 0xFE) || (u[0] == 0xFE && u[1] == 0xFF))) {
        sb_setf(err, "%s:1:1: UTF-16 text; credence reads UTF-8 (save the export as UTF-8)", path);
        return ST_BAD_DATA;
    }
    size_t checked = (size_t)n;
    if (checked == sizeof head - 1) { /* a full read may cut the last character: drop it */
        while (checked > 0 && (size_t)n - checked < 3 && (u[checked - 1] & 0xC0) == 0x80)
            checked--;
        if (checked > 0 && u[checked - 1] >= 0xC0)
            checked--;
    }
    if (memchr(head, '\0', (size_t)n) || !utf8_valid(head, checked)) {
        sb_setf(err, "%s:1:1: binary data, not a format credence knows; it reads %s", path,
                imp_formats_known());
        return ST_BAD_DATA;
    }
    char first_line[8192];
    snprintf(first_line, sizeof first_line, "%s", head);
    char *nl = strchr(first_line, '\n');
    if (nl)
        *nl = '\0';
    const char *p = head;
    while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
        p++;
    if (*p == '{' || *p == '[') { /* JSON pages: look at the whole document's shape */
        const char *name = NULL;
        st = imp_json_kind(path, &name, err);
        if (st != ST_OK)
            return st;
        if (name && imp_format_parse(name, out)) {
            *what = *out == IMP_OPENAI      ? "OpenAI Admin API pages, JSON"
                    : *out == IMP_ANTHROPIC ? "Anthropic Admin API pages, JSON"
                                            : "LiteLLM /spend/logs, JSON";
            return ST_OK;
        }
        sb_setf(err, "%s:1:1: JSON, but not pages credence knows; it reads %s", path,
                imp_formats_known());
        return ST_BAD_DATA;
    }
    /* FOCUS headers name these columns (any order, any FOCUS version). */
    if (strstr(first_line, "ChargePeriodStart") || strstr(first_line, "BilledCost") ||
        strstr(first_line, "EffectiveCost")) {
        *out = IMP_FOCUS;
        *what = "FOCUS CSV";
        return ST_OK;
    }
    /* the providers' dashboard exports, by their header */
    st = imp_dashboard_kind(path, out, what, err);
    if (st != ST_OK)
        return st;
    if (*what)
        return ST_OK;
    sb_setf(err, "%s:1:1: not a format credence knows; it reads %s", path, imp_formats_known());
    return ST_BAD_DATA;
}

/* True when the first byte after a UTF-8 BOM and white space is '{' or '[' (JSON pages). */
static enum status looks_like_json(const char *path, bool *json, struct strbuf *err)
{
    struct source *src = NULL;
    enum status st = source_open(path, &src, err);
    if (st != ST_OK)
        return st;
    char head[4096];
    ssize_t n = source_read(src, head, sizeof head, err);
    source_free(&src);
    if (n < 0)
        return ST_BAD_DATA;
    size_t i = 0;
    if (n >= 3 && memcmp(head, "\xEF\xBB\xBF", 3) == 0)
        i = 3;
    while (i < (size_t)n &&
           (head[i] == ' ' || head[i] == '\t' || head[i] == '\r' || head[i] == '\n'))
        i++;
    *json = i < (size_t)n && (head[i] == '{' || head[i] == '[');
    return ST_OK;
}

enum status imp_read(enum imp_format f, const char *path, const struct usage_sink *sink,
                     const struct reporter *rep, struct strbuf *err)
{
    switch (f) {
    case IMP_FOCUS:
        return imp_focus_read(path, sink, rep, err);
    case IMP_OPENAI:
    case IMP_ANTHROPIC:
    case IMP_LITELLM: {
        bool json = false;
        enum status st = looks_like_json(path, &json, err);
        if (st != ST_OK)
            return st;
        return json ? imp_json_read(path, imp_format_name(f), sink, rep, err)
                    : imp_dashboard_read(f, path, sink, rep, err);
    }
    case IMP__COUNT:
        break;
    }
    sb_setf(err, "unknown format");
    return ST_USAGE;
}
