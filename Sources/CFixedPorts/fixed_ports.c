#define _GNU_SOURCE
#include "fixed_ports.h"

#include <dlfcn.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

// The plan is per thread: only the thread creating the mock cluster sees it.
static _Thread_local const uint16_t *planned_ports = 0;
static _Thread_local int planned_count = 0;
static _Thread_local int planned_next = 0;

void trisam_fixed_ports_begin(const uint16_t *ports, int count) {
    planned_ports = ports;
    planned_count = count;
    planned_next = 0;
}

int trisam_fixed_ports_end(void) {
    int used = planned_next;
    planned_ports = 0;
    planned_count = 0;
    planned_next = 0;
    return used;
}

typedef int (*bind_function)(int, const struct sockaddr *, socklen_t);

// Interposes libc's bind for this process (the executable's definition comes first in symbol
// lookup, also for librdkafka). Without a plan it only forwards.
int bind(int fd, const struct sockaddr *address, socklen_t length) {
    static bind_function next_bind = 0;
    if (!next_bind) next_bind = (bind_function)dlsym(RTLD_NEXT, "bind");
    if (planned_ports && planned_next < planned_count && address && address->sa_family == AF_INET &&
        length >= (socklen_t)sizeof(struct sockaddr_in) && ((const struct sockaddr_in *)address)->sin_port == 0) {
        struct sockaddr_in planned;
        memcpy(&planned, address, sizeof planned);
        planned.sin_port = htons(planned_ports[planned_next++]);
        int reuse = 1;
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &reuse, sizeof reuse);
        return next_bind(fd, (const struct sockaddr *)&planned, sizeof planned);
    }
    return next_bind(fd, address, length);
}
