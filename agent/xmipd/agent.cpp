// SPDX-License-Identifier: BSD-2-Clause
#include "xmipd/agent.hpp"

#include <net/if.h>
#include <signal.h>

#include <fstream>

#include "core/host.hpp"
#include "core/log.hpp"
#include "core/version.hpp"
#include "datapath/counters.hpp"
#include "datapath/in6.hpp"
#include "xmipd/ha_service.hpp"
#include "xmipd/mn_service.hpp"

namespace xmip::agent {

using nlohmann::json;

namespace {

// A home agent forwards: the datapath's FIB lookups fail on an interface
// without forwarding, and the kernel forwards what XDP passes to it.
void require_ipv6_conf(const std::string& scope, const std::string& key, const std::string& value) {
    if (!core::set_ipv6_conf(scope, key, value))
        throw std::runtime_error("cannot set net.ipv6.conf." + scope + "." + key + " = " + value);
}

}  // namespace

std::optional<config::Config> load_config(const StartOptions& opts) {
    auto settings = config::Settings::read_file(opts.config_path);
    for (const auto& o : opts.overrides)
        if (!settings.apply_override(o)) XLOG_ERROR("override '%s' is not key=value", o.c_str());
    auto result = settings.validate();
    for (const auto& w : result.warning_strings()) XLOG_WARN("%s", w.c_str());
    for (const auto& e : result.error_strings()) XLOG_ERROR("%s", e.c_str());
    if (!result.config) return std::nullopt;
    // The shared keys: a configuration whose keys cannot be used (or are
    // readable by others) does not start.
    auto key_errors = config::read_keys(*result.config);
    for (const auto& e : key_errors) XLOG_ERROR("%s", e.to_string().c_str());
    if (!key_errors.empty()) return std::nullopt;
    return result.config;
}

Agent::Agent(const config::Config& cfg, StartOptions opts)
    : cfg_(cfg), opts_(std::move(opts)), loop_(time_), started_(time_.now()) {
    core::set_log_level(cfg_.log_level);
    setup_datapath();
    if (cfg_.metrics.enabled())
        metrics_ = std::make_unique<metrics::AgentMetrics>(
            cfg_.role == config::Role::HomeAgent ? metrics::Role::HomeAgent : metrics::Role::MobileNode, core::kVersion,
            stats_, [maps = &dp_->maps()] { return maps->counters(); });
    ctx_ = std::make_unique<Context>(Context{loop_, dp_->maps(), netlink_, raw_, stats_, metrics_.get()});
    signals_ = std::make_unique<dp::SignalReader>(
        dp_->maps().fds().signal_ring,
        [this](const dp::SignalPacket& p) { handle_mobility_packet(p.packet, static_cast<int>(p.ifindex)); });
    loop_.add_fd(signals_->fd(), [this] { on_signalling(); });
    if (cfg_.role == config::Role::HomeAgent)
        service_ = std::make_unique<HaService>(*ctx_, cfg_);
    else
        service_ = std::make_unique<MnService>(*ctx_, cfg_);
    // Every wakeup of the loop is one batch for the service: a drain of the
    // signalling ring, DAD timers ending together, bindings expiring together.
    loop_.set_dispatch_hooks([this] { service_->begin_batch(); }, [this] { service_->end_batch(); });
    control_ = std::make_unique<control::Server>(loop_, cfg_.paths.control_socket);
    register_control();
    loop_.on_signal(SIGTERM, [this] { loop_.stop(); });
    loop_.on_signal(SIGINT, [this] { loop_.stop(); });
    loop_.on_signal(SIGHUP, [this] { reload(); });
    // After on_signal: the endpoint's threads inherit the blocked signals.
    // Monitoring is not worth failing the gateway for: a busy port is logged.
    if (metrics_) {
        try {
            metrics_endpoint_ = std::make_unique<metrics::Endpoint>(cfg_.metrics.host, cfg_.metrics.port, *metrics_);
            XLOG_INFO("metrics on %s (GET /metrics)", cfg_.metrics.listen.c_str());
        } catch (const std::exception& e) {
            XLOG_ERROR("%s; continuing without metrics", e.what());
        }
    }
    XLOG_INFO("xmipd %s: instance %s, role %s, control socket %s", core::kVersion, cfg_.instance.c_str(),
              config::to_string(cfg_.role), cfg_.paths.control_socket.c_str());
}

Agent::~Agent() { shutdown(); }

void Agent::setup_datapath() {
    dp::Options o;
    o.instance = cfg_.instance;
    o.pin_root = cfg_.paths.pin_root;
    o.max_bindings = cfg_.datapath.max_bindings;
    dp_ = std::make_unique<dp::Datapath>(o);
    xmip_config c{};
    c.tunnel_hop_limit = cfg_.datapath.tunnel_hop_limit;
    c.min_ptb_mtu = XMIP_IPV6_MIN_MTU;
    dp_->maps().set_config(c);

    const bool ha = cfg_.role == config::Role::HomeAgent;
    if (ha) {
        // The kernel forwards what XDP hands it (a next hop to resolve, an
        // error to report) only with forwarding on for all interfaces.
        require_ipv6_conf("all", "forwarding", "1");
    }
    for (const auto& name : cfg_.datapath.interfaces) {
        int ifindex = core::ifindex_of(name);
        if (ha) {
            require_ipv6_conf(name, "forwarding", "1");
        }
        auto mode = dp_->attach_xdp(ha ? dp::Role::HomeAgent : dp::Role::MobileNode, ifindex, cfg_.datapath.xdp_mode);
        XLOG_INFO("%s: XDP attached (%s)", name.c_str(), core::to_string(mode));
        if (!ha) dp_->attach_tc_egress(ifindex);
    }
    if (ha) {
        // Proxy Neighbour Discovery answers for registered home addresses.
        require_ipv6_conf(cfg_.home_agent->home_link, "proxy_ndp", "1");
        dp_->maps().add_local_addr(dp::to_xmip(cfg_.home_agent->address.to_in6()),
                                   XMIP_LF_TUNNEL_END | XMIP_LF_SIGNALLING);
    }
}

void Agent::on_signalling() { signals_->drain(); }

void Agent::handle_mobility_packet(std::span<const uint8_t> packet, int ifindex) {
    auto parsed = mh::parse_packet(packet);
    if (!parsed) {
        stats_.mh_drop_invalid++;
        XLOG_DEBUG("malformed signalling packet: %s", std::string(mh::to_string(parsed.error().code)).c_str());
        return;
    }
    const auto& p = *parsed;
    if (!p.message) {
        const auto& e = p.message.error();
        if (e.code == mh::Errc::unknown_mh_type) {
            // RFC 6275 9.2: answer an unknown MH type with Binding Error status 2.
            mh::BindingError be;
            be.status = mh::be_status::unrecognized_mh_type;
            if (p.info.home_address) be.home_address = *p.info.home_address;
            mh::PacketSpec spec;
            spec.src = p.info.dst;
            spec.dst = p.info.src;
            if (send_mobility(*ctx_, spec, be)) stats_.be_sent++;
            return;
        }
        switch (e.mh_type) {
            case mh::mh_type::bu: stats_.bu_drop_invalid++; break;
            case mh::mh_type::ba: stats_.ba_drop_invalid++; break;
            case mh::mh_type::brr: stats_.brr_drop_invalid++; break;
            default: stats_.mh_drop_invalid++;
        }
        XLOG_DEBUG("dropped MH from %s: %s", core::to_string(p.info.src).c_str(),
                   std::string(mh::to_string(e.code)).c_str());
        return;
    }
    if (std::holds_alternative<mh::BindingError>(*p.message)) {
        stats_.be_received++;
        XLOG_WARN("Binding Error from %s", core::to_string(p.info.src).c_str());
        return;
    }
    service_->on_mobility_packet(p, packet, ifindex);
}

json Agent::stats_json() const {
    json datapath = json::array();
    auto snap = dp_->maps().counters();
    for (size_t i = 0; i < dp::kCounters.size(); i++)
        datapath.push_back({{"id", dp::kCounters[i].id},
                            {"verdict", dp::kCounters[i].verdict},
                            {"reason", dp::kCounters[i].reason},
                            {"packets", snap[i].packets},
                            {"bytes", snap[i].bytes}});
    return {{"signalling", stats_.to_json()}, {"datapath", datapath}};
}

void Agent::register_control() {
    auto& s = *control_;
    const bool ha = cfg_.role == config::Role::HomeAgent;
    auto wrong_role = [](const char* what) {
        return control::CommandError{control::kErrWrongRole, std::string(what)};
    };
    s.handle("status", [this](const json&) {
        json j = service_->status();
        j["version"] = core::kVersion;
        j["instance"] = cfg_.instance;
        j["uptime_s"] = std::chrono::duration_cast<std::chrono::seconds>(time_.now() - started_).count();
        return j;
    });
    s.handle("stats", [this](const json&) { return stats_json(); });
    s.handle("bcache", [this, ha, wrong_role](const json&) -> json {
        if (!ha) throw wrong_role("the binding cache is a home agent's; this is a mobile node (try bul)");
        return service_->bindings();
    });
    s.handle("bul", [this, ha, wrong_role](const json&) -> json {
        if (ha) throw wrong_role("the binding update list is a mobile node's; this is a home agent (try bcache)");
        return service_->bindings();
    });
    s.handle("home-agents", [this, ha, wrong_role](const json&) -> json {
        if (!ha) throw wrong_role("the home agents list is kept by home agents");
        return static_cast<HaService&>(*service_).home_agents();
    });
    auto addr_arg = [](const json& args, const char* key) {
        if (!args.contains(key) || !args[key].is_string())
            throw control::CommandError{control::kErrInvalidArgument, std::string("missing \"") + key + "\""};
        auto a = core::parse_addr(args[key].get<std::string>());
        if (!a)
            throw control::CommandError{control::kErrInvalidArgument,
                                        std::string(key) + ": not an IPv6 address: " + args[key].get<std::string>()};
        return *a;
    };
    s.handle("binding-add", [this, ha, wrong_role, addr_arg](const json& args) -> json {
        if (!ha) throw wrong_role("bindings are added at a home agent");
        auto hoa = addr_arg(args, "home_address");
        auto coa = addr_arg(args, "care_of_address");
        uint32_t lifetime = args.value("lifetime", 600u);
        try {
            static_cast<HaService&>(*service_).add_binding(hoa, coa, lifetime);
        } catch (const std::invalid_argument& e) {
            throw control::CommandError{control::kErrInvalidArgument, e.what()};
        }
        return service_->bindings();
    });
    s.handle("binding-del", [this, ha, wrong_role, addr_arg](const json& args) -> json {
        if (!ha) throw wrong_role("bindings are removed at a home agent");
        auto hoa = addr_arg(args, "home_address");
        if (!static_cast<HaService&>(*service_).remove_binding(hoa))
            throw control::CommandError{control::kErrNotFound, "no binding for " + core::to_string(hoa)};
        return json::object();
    });
}

void Agent::reload() {
    XLOG_INFO("SIGHUP: reloading %s", opts_.config_path.c_str());
    auto c = load_config(opts_);
    if (!c) {
        XLOG_ERROR("reload failed: configuration kept as it was");
        return;
    }
    if (c->role != cfg_.role || c->instance != cfg_.instance)
        XLOG_WARN("reload: role and instance change only with a restart");
    core::set_log_level(c->log_level);
    service_->reload(*c);
    auto keep_role = cfg_.role;
    auto keep_instance = cfg_.instance;
    cfg_ = *c;
    cfg_.role = keep_role;
    cfg_.instance = keep_instance;
}

void Agent::run() { loop_.run(); }

void Agent::shutdown() {
    if (stopped_) return;
    stopped_ = true;
    // A stop with bindings keeps forwarding for the next start (a restart
    // under systemd must not blackhole the mobile nodes); one without has
    // nothing to lose and leaves the host clean. docs/restart.md.
    size_t bindings = 0;
    try {
        if (dp_) bindings = dp_->maps().bindings().size();
    } catch (const std::exception& e) {
        XLOG_ERROR("while stopping: cannot read the binding map: %s", e.what());
        bindings = 1;  // unknown: do not risk a gap
    }
    const bool keep = cfg_.datapath.keep_forwarding_on_exit && bindings > 0;
    try {
        metrics_endpoint_.reset();  // no scrape may read the datapath from here on
        if (service_) service_->stop(keep);
        service_.reset();
        control_.reset();
        if (signals_) loop_.remove_fd(signals_->fd());
        signals_.reset();
        if (dp_) {
            if (keep) {
                dp_->keep_attached();
                XLOG_INFO("stopped; datapath left forwarding %zu bindings for the next start (keep_forwarding_on_exit)",
                          bindings);
            } else {
                dp_->detach_all();
                dp_->unpin();
                XLOG_INFO("stopped; datapath detached");
            }
        }
    } catch (const std::exception& e) {
        XLOG_ERROR("while stopping: %s", e.what());
    }
}

}  // namespace xmip::agent
