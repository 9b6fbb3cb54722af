/*
 * event.c — the lab's half of the trace: one JSON object per line on stdout.
 *
 * A line is built in a buffer and written with a single write(2) of at most
 * PIPE_BUF bytes, so lines of the parent and its children, which share the
 * pipe, never interleave.  The runner adds `seq`; we stamp `t` with
 * CLOCK_MONOTONIC nanoseconds, the clock the runner's own events use.
 */
#include "unp.h"

#include <limits.h>
#include <time.h>

#if PIPE_BUF < EV_MAX
#error "an event line must fit in one atomic pipe write"
#endif

/* Room kept free while escaping data, for the fields and braces after it. */
#define EV_TAIL 160

static void
put(struct ev *e, const char *s, size_t n)
{
	if (e->len + n > EV_MAX - 8)	/* never happens for fixed fields; data is bounded by EV_TAIL */
		n = EV_MAX - 8 > e->len ? EV_MAX - 8 - e->len : 0;
	memcpy(e->buf + e->len, s, n);
	e->len += n;
}

static void
puts_(struct ev *e, const char *s)
{
	put(e, s, strlen(s));
}

/* Length of the valid UTF-8 sequence at p (at most n bytes), or 0 if invalid. */
static size_t
utf8_len(const unsigned char *p, size_t n)
{
	size_t need, i;
	unsigned char lo = 0x80, hi = 0xBF;

	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xC2 && p[0] <= 0xDF)
		need = 1;
	else if (p[0] >= 0xE0 && p[0] <= 0xEF) {
		need = 2;
		if (p[0] == 0xE0) lo = 0xA0;
		if (p[0] == 0xED) hi = 0x9F;
	} else if (p[0] >= 0xF0 && p[0] <= 0xF4) {
		need = 3;
		if (p[0] == 0xF0) lo = 0x90;
		if (p[0] == 0xF4) hi = 0x8F;
	} else
		return 0;
	if (need >= n)
		return 0;
	for (i = 1; i <= need; i++) {
		unsigned char c = p[i];
		if (i == 1 ? (c < lo || c > hi) : (c < 0x80 || c > 0xBF))
			return 0;
	}
	return need + 1;
}

/*
 * Append p[0..n) as a JSON string.  Valid UTF-8 passes through; control
 * characters are escaped; a byte that is not part of valid UTF-8 becomes
 * \u00XX (its Latin-1 reading), so any byte can be shown.  Stops early, and
 * returns 1, if the rest would not fit in one line.
 */
static int
put_json_string(struct ev *e, const void *p, size_t n, size_t limit)
{
	const unsigned char *s = p;
	size_t i = 0;
	char esc[8];
	int truncated = 0;

	put(e, "\"", 1);
	while (i < n) {
		size_t len = utf8_len(s + i, n - i);
		const char *out;
		size_t outlen;

		if (len == 1 && s[i] >= 0x20 && s[i] != '"' && s[i] != '\\' && s[i] != 0x7F) {
			out = (const char *) s + i;
			outlen = 1;
		} else if (len > 1) {
			out = (const char *) s + i;
			outlen = len;
		} else {
			len = 1;
			switch (s[i]) {
			case '"':  out = "\\\""; break;
			case '\\': out = "\\\\"; break;
			case '\n': out = "\\n"; break;
			case '\r': out = "\\r"; break;
			case '\t': out = "\\t"; break;
			default:
				snprintf(esc, sizeof(esc), "\\u%04x", s[i]);
				out = esc;
			}
			outlen = strlen(out);
		}
		if (e->len + outlen + 1 > limit) {
			truncated = 1;
			break;
		}
		put(e, out, outlen);
		i += len;
	}
	put(e, "\"", 1);
	return truncated;
}

static void
key(struct ev *e, const char *k)
{
	if (e->comma)
		put(e, ",", 1);
	e->comma = 1;
	put_json_string(e, k, strlen(k), EV_MAX);
	put(e, ":", 1);
}

unsigned long long
lab_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long long) ts.tv_sec * 1000000000ULL + (unsigned long long) ts.tv_nsec;
}

void
ev_begin(struct ev *e, const char *kind)
{
	e->len = 0;
	e->comma = 0;
	e->depth = 0;
	put(e, "{", 1);
	ev_key_str(e, "kind", kind);
	ev_key_int(e, "t", (long long) lab_now_ns());
	ev_key_int(e, "pid", (long long) getpid());
	ev_key_str(e, "role", lab_role);
}

void
ev_key_str(struct ev *e, const char *k, const char *s)
{
	key(e, k);
	put_json_string(e, s, strlen(s), EV_MAX);
}

void
ev_key_int(struct ev *e, const char *k, long long v)
{
	char num[32];

	key(e, k);
	snprintf(num, sizeof(num), "%lld", v);
	puts_(e, num);
}

void
ev_key_bool(struct ev *e, const char *k, int v)
{
	key(e, k);
	puts_(e, v ? "true" : "false");
}

void
ev_key_null(struct ev *e, const char *k)
{
	key(e, k);
	puts_(e, "null");
}

int
ev_key_bytes(struct ev *e, const char *k, const void *p, size_t n)
{
	key(e, k);
	return put_json_string(e, p, n, EV_MAX - EV_TAIL);
}

void
ev_key_obj(struct ev *e, const char *k)
{
	key(e, k);
	put(e, "{", 1);
	e->comma = 0;
	e->depth++;
}

void
ev_close_obj(struct ev *e)
{
	put(e, "}", 1);
	e->comma = 1;
	e->depth--;
}

void
ev_send(struct ev *e)
{
	ssize_t n;

	while (e->depth > 0)
		ev_close_obj(e);
	put(e, "}\n", 2);
	/* One write(2): atomic on a pipe because len <= PIPE_BUF.  If the runner
	 * is gone, SIGPIPE ends us, which is what we want. */
	do
		n = write(STDOUT_FILENO, e->buf, e->len);
	while (n < 0 && errno == EINTR);
}

void
ev_call(struct ev *e, const char *fn, const char *file, int line)
{
	ev_begin(e, "call");
	ev_key_str(e, "fn", fn);
	ev_key_str(e, "file", lab_basename(file));
	ev_key_int(e, "line", line);
	ev_key_obj(e, "args");
}

void
ev_call_send(struct ev *e)
{
	ev_send(e);
}

void
ev_return(struct ev *e, const char *fn, long long ret, int err)
{
	ev_begin(e, "return");
	ev_key_str(e, "fn", fn);
	ev_key_int(e, "ret", ret);
	if (err)
		ev_key_str(e, "errno", errno_name(err));
	else
		ev_key_null(e, "errno");
}

void
ev_ready(const char *fn, int fd)
{
	struct ev e;

	ev_begin(&e, "ready");
	ev_key_str(&e, "fn", fn);
	ev_key_int(&e, "fd", fd);
	ev_send(&e);
}

void
ev_output(const char *stream, const void *text, size_t n)
{
	struct ev e;

	ev_begin(&e, "output");
	ev_key_str(&e, "stream", stream);
	if (ev_key_bytes(&e, "text", text, n))
		ev_key_bool(&e, "truncated", 1);
	ev_send(&e);
}
