/*
 * lab.h — what makes the lab observable: events, gates, and the process's lifetime.
 *
 *   event.c  one JSON object per line on stdout, each written with one write(2)
 *   gate.c   the race-free gate the runner releases with SIGUSR1
 *   lab.c    role, parent-death signal, err_sys, sock_ntop
 */
#ifndef FORKSCOPE_LAB_H
#define FORKSCOPE_LAB_H

#include <stddef.h>
#include <sys/types.h>
#include <sys/socket.h>

/* One event line, built in place.  PIPE_BUF (4096 on Linux) is the most a pipe
 * write(2) moves atomically, so that is the most one line may take. */
#define EV_MAX 4096

struct ev {
	char   buf[EV_MAX];
	size_t len;
	int    comma;    /* a field was written at this nesting level */
	int    depth;
};

/* event.c */
void ev_begin(struct ev *e, const char *kind);          /* {"kind":…,"t":…,"pid":…,"role":… */
void ev_key_str(struct ev *e, const char *key, const char *s);
void ev_key_int(struct ev *e, const char *key, long long v);
void ev_key_null(struct ev *e, const char *key);
void ev_key_bool(struct ev *e, const char *key, int v);
int  ev_key_bytes(struct ev *e, const char *key, const void *p, size_t n); /* returns 1 if truncated */
void ev_key_obj(struct ev *e, const char *key);         /* opens "key":{ */
void ev_close_obj(struct ev *e);                        /* } */
void ev_send(struct ev *e);                             /* closes the object, writes the line */

/* The two events every wrapper writes. */
void ev_call(struct ev *e, const char *fn, const char *file, int line); /* leaves "args":{ open */
void ev_call_send(struct ev *e);                        /* closes args, writes the line */
void ev_return(struct ev *e, const char *fn, long long ret, int err); /* err 0 => "errno":null */
void ev_ready(const char *fn, int fd);
void ev_output(const char *stream, const void *text, size_t n);

/* gate.c */
void gate_init(void);   /* block SIGUSR1; read FORKSCOPE_STEP */
void gate_wait(void);   /* wait for the runner's SIGUSR1 (a no-op when not stepping) */
int  gate_skip(int on); /* 1: gate_wait is a no-op (a handler's calls); returns the previous setting */

/* lab.c */
extern char lab_role[32];
void        lab_init(const char *role);                 /* at the start of main */
void        lab_become_child(int n, pid_t parent);      /* in the child, right after fork */
const char *errno_name(int err);
const char *signal_name(int sig);
char       *sock_ntop(const struct sockaddr *sa, socklen_t salen, char *buf, size_t len);
unsigned    sock_port(const struct sockaddr *sa);             /* 0 when unbound or not IP */
void        err_sys_at(const char *file, int line, const char *what, int err) __attribute__((noreturn));
void        err_call(const char *file, int line, const char *what, int err); /* err_sys, unless not fatal */
void        lab_errors_fatal(int on);                   /* 0: a failed call returns -1 (the sandbox) */
void        err_quit(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
const char *lab_basename(const char *path);
unsigned long long lab_now_ns(void);

#endif
