/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * maps.bpf.h - the datapath's maps and the counter helper.
 *
 * Every map is pinned by name under the instance's pin directory (the loader
 * sets pin_root_path), so a restarted agent reuses the live maps and
 * forwarding never stops; sizes here are defaults the loader overrides from
 * configuration before load.
 */
#ifndef XMIP_MAPS_BPF_H
#define XMIP_MAPS_BPF_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "xmip_shared.h"

/* home address -> tunnel (see struct xmip_binding). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, XMIP_DEFAULT_MAX_BINDINGS);
	__type(key, struct xmip_in6);
	__type(value, struct xmip_binding);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} xmip_bindings SEC(".maps");

/* addresses of this node where tunnels end and signalling arrives. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, XMIP_DEFAULT_MAX_LOCAL_ADDRS);
	__type(key, struct xmip_in6);
	__type(value, struct xmip_local_addr);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} xmip_local_addrs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct xmip_config);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} xmip_config_map SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, XMIP_CNT_MAX);
	__type(key, __u32);
	__type(value, struct xmip_counter_value);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} xmip_counters SEC(".maps");

/* Mobility Header packets for xmipd (struct xmip_signal_event records). */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, XMIP_SIGNAL_RING_BYTES);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} xmip_signal_ring SEC(".maps");

/* ifindex -> the same ifindex: the links XDP_REDIRECT sends to through the
 * map (bpf/forward.bpf.h xdp_send). Filled by the loader with every link
 * of the namespace when it attaches XDP; a link missing from it is still
 * reached (bpf_redirect). Not pinned: it holds devices, not state, and each
 * loaded instance fills its own. */
#define XMIP_MAX_TX_PORTS 256
struct {
	__uint(type, BPF_MAP_TYPE_DEVMAP_HASH);
	__uint(max_entries, XMIP_MAX_TX_PORTS);
	__type(key, __u32);
	__type(value, __u32);
} xmip_tx_ports SEC(".maps");

static __always_inline void count(enum xmip_counter id, __u64 bytes)
{
	__u32 key = id;
	struct xmip_counter_value *v = bpf_map_lookup_elem(&xmip_counters, &key);

	if (v) { /* per-CPU: no atomics needed */
		v->packets++;
		v->bytes += bytes;
	}
}

static __always_inline const struct xmip_config *config(void)
{
	__u32 key = 0;

	return bpf_map_lookup_elem(&xmip_config_map, &key);
}

#endif
