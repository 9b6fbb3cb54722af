/*
 * knobs.h — the experiment's settings, given to the lab programs as --name=value.
 */
#ifndef FORKSCOPE_KNOBS_H
#define FORKSCOPE_KNOBS_H

enum sigchld_mode { SIGCHLD_DEFAULT, SIGCHLD_IGNORE, SIGCHLD_HANDLER };

struct server_knobs {
	int               port;                 /* --port=N (default SERV_PORT) */
	int               parent_close_connfd;  /* --parent-close-connfd=yes|no */
	int               child_close_listenfd; /* --child-close-listenfd=yes|no */
	enum sigchld_mode sigchld;              /* --sigchld=default|ignore|handler */
	int               shutdown;             /* --shutdown=yes|no: shutdown(SHUT_WR) instead of close */
	int               linger0;              /* --linger0=yes|no: SO_LINGER 0, close sends RST */
	int               iterative;            /* --iterative=yes|no: serve clients one at a time, no fork */
	int               fd_limit;             /* --fd-limit=N: RLIMIT_NOFILE (0: leave as is) */
};

struct client_knobs {
	int         port;       /* --port=N */
	const char *message;    /* --message=TEXT: what the client writes */
	const char *role;       /* --role=client#N */
};

void parse_server_knobs(int argc, char **argv, struct server_knobs *k);
void parse_client_knobs(int argc, char **argv, struct client_knobs *k);

#endif
