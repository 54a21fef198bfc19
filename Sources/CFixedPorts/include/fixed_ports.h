#ifndef TRISAM_FIXED_PORTS_H
#define TRISAM_FIXED_PORTS_H

#include <stdint.h>

/// Plans the ports for the next `count` loopback listeners that this thread binds to port 0.
///
/// librdkafka's mock cluster binds each broker to 127.0.0.1:0 (a random port) while
/// `rd_kafka_mock_cluster_new` runs, on the calling thread. Between this call and
/// `trisam_fixed_ports_end`, such a bind on this thread takes the next planned port instead
/// (with SO_REUSEADDR, so a restarted broker gets its port back while old connections linger
/// in TIME_WAIT). Binds on other threads, and binds to a given port, are not touched.
void trisam_fixed_ports_begin(const uint16_t *ports, int count);

/// Ends the plan started by `trisam_fixed_ports_begin`; returns how many planned ports were used.
int trisam_fixed_ports_end(void);

#endif
