/*
 * unp.h — the little of Stevens' unpv13e "unp.h" that forkscope's lab needs.
 *
 * The capitalized wrappers (Socket, Bind, Listen, Accept, Connect, Setsockopt,
 * Shutdown, Fork, Close, Read, Write, Waitpid, Pause, Setrlimit, Exit, Signal,
 * Signal_intr) are macros that pass the caller's __FILE__ and __LINE__ to
 * functions in wrapsock.c and wrapunix.c.  Each one writes a `call` event, waits
 * at a gate while the runner is stepping, makes the real system call, writes a
 * `return` event, and handles an error once, in Stevens' err_sys style.
 */
#ifndef FORKSCOPE_UNP_H
#define FORKSCOPE_UNP_H

#define _GNU_SOURCE 1

#include <sys/types.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "lab.h"

#define MAXLINE   4096 /* max text line length */
#define LISTENQ   1024 /* 2nd argument to listen() */
#define SERV_PORT 9877 /* TCP client-servers, as in the book */

typedef struct sockaddr SA;

typedef void Sigfunc(int);	/* for signal handlers */

/* wrapsock.c */
#define Socket(family, type, protocol)  lab_Socket(__FILE__, __LINE__, family, type, protocol)
#define Bind(fd, sa, salen)             lab_Bind(__FILE__, __LINE__, fd, sa, salen)
#define Listen(fd, backlog)             lab_Listen(__FILE__, __LINE__, fd, backlog)
#define Accept(fd, sa, salenptr)        lab_Accept(__FILE__, __LINE__, fd, sa, salenptr)
#define Connect(fd, sa, salen)          lab_Connect(__FILE__, __LINE__, fd, sa, salen)
#define Setsockopt(fd, level, optname, optval, optlen) \
	lab_Setsockopt(__FILE__, __LINE__, fd, level, optname, optval, optlen)
#define Shutdown(fd, how)               lab_Shutdown(__FILE__, __LINE__, fd, how)

int  lab_Socket(const char *file, int line, int family, int type, int protocol);
void lab_Bind(const char *file, int line, int fd, const SA *sa, socklen_t salen);
void lab_Listen(const char *file, int line, int fd, int backlog);
int  lab_Accept(const char *file, int line, int fd, SA *sa, socklen_t *salenptr);
void lab_accept_polls(int on);
void lab_Connect(const char *file, int line, int fd, const SA *sa, socklen_t salen);
void lab_Setsockopt(const char *file, int line, int fd, int level, int optname, const void *optval, socklen_t optlen);
void lab_Shutdown(const char *file, int line, int fd, int how);

/* wrapunix.c */
#define Fork()                          lab_Fork(__FILE__, __LINE__)
#define Close(fd)                       lab_Close(__FILE__, __LINE__, fd)
#define Read(fd, ptr, nbytes)           lab_Read(__FILE__, __LINE__, fd, ptr, nbytes)
#define Write(fd, ptr, nbytes)          lab_Write(__FILE__, __LINE__, fd, ptr, nbytes)
#define Exit(status)                    lab_Exit(__FILE__, __LINE__, status)
#define Waitpid(pid, iptr, options)     lab_Waitpid(__FILE__, __LINE__, pid, iptr, options)
#define Pause()                         lab_Pause(__FILE__, __LINE__)
#define Setrlimit(resource, rlp)        lab_Setrlimit(__FILE__, __LINE__, resource, rlp)

pid_t   lab_Fork(const char *file, int line);
void    lab_Close(const char *file, int line, int fd);
ssize_t lab_Read(const char *file, int line, int fd, void *ptr, size_t nbytes);
void    lab_Write(const char *file, int line, int fd, const void *ptr, size_t nbytes);
void    lab_Exit(const char *file, int line, int status) __attribute__((noreturn));
pid_t   lab_Waitpid(const char *file, int line, pid_t pid, int *iptr, int options); /* -1: errno, no err_sys */
void    lab_Pause(const char *file, int line);
void    lab_Setrlimit(const char *file, int line, int resource, const struct rlimit *rlp);

/* signal.c: Stevens' Signal (SA_RESTART, except for SIGALRM) and Signal_intr (no SA_RESTART).
 * The handler's name is the macro argument as written: "sig_chld", "SIG_IGN". */
#define Signal(signo, func)             lab_Signal(__FILE__, __LINE__, signo, func, #func, 1)
#define Signal_intr(signo, func)        lab_Signal(__FILE__, __LINE__, signo, func, #func, 0)

Sigfunc *lab_Signal(const char *file, int line, int signo, Sigfunc *func, const char *name, int restart);
int      lab_restarts(void);	/* would a slow call interrupted by a caught signal be restarted? */

#endif
