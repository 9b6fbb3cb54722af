/*
 * knobs.h — the experiment's settings, given to the lab programs as --name=value.
 */
#ifndef FORKSCOPE_KNOBS_H
#define FORKSCOPE_KNOBS_H

enum sigchld_mode { SIGCHLD_DEFAULT, SIGCHLD_IGNORE, SIGCHLD_HANDLER };

struct server_knobs {
	int               port;                 /* --port=N (default SERV_PORT) */
	const char       *role;                 /* --role=parent|parent#N: a restarted server */
	int               parent_close_connfd;  /* --parent-close-connfd=yes|no */
	int               child_close_listenfd; /* --child-close-listenfd=yes|no */
	int               child_close;          /* --child-close=yes|no: no = after EOF the child pauses forever */
	int               echo_once;            /* --echo-once=yes|no: the child echoes one read, then closes */
	enum sigchld_mode sigchld;              /* --sigchld=default|ignore|handler */
	int               sa_restart;           /* --sa-restart=yes|no: the handler's SA_RESTART (Signal or Signal_intr) */
	int               shutdown;             /* --shutdown=yes|no: the parent shutdown(SHUT_WR)s instead of close */
	int               linger0;              /* --linger0=yes|no: SO_LINGER 0 on connfd, the child's close sends RST */
	int               reuseaddr;            /* --reuseaddr=yes|no: SO_REUSEADDR on listenfd before bind */
	int               iterative;            /* --iterative=yes|no: serve clients one at a time, no fork */
	int               fd_limit;             /* --fd-limit=N: RLIMIT_NOFILE (0: leave as is) */
	int               accept_poll;          /* --accept-poll=yes|no: the lab's Accept waits in poll() first (no: a real accept(2) sleeps) */
};

struct client_knobs {
	int         port;       /* --port=N */
	const char *message;    /* --message=TEXT: what the client writes */
	const char *role;       /* --role=client#N */
	int         wait_eof;   /* --wait-eof=yes|no: after the echo, read until the server closes */
	int         linger0;    /* --linger0=yes|no: SO_LINGER 0 before close: RST instead of FIN */
};

void parse_server_knobs(int argc, char **argv, struct server_knobs *k);
void parse_client_knobs(int argc, char **argv, struct client_knobs *k);

#endif
