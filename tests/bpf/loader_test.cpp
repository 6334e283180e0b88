// SPDX-License-Identifier: BSD-2-Clause
// The loader's promises: maps sized from configuration, pinned per instance
// and reused by a restarted instance, instances kept apart, programs attached
// and detached as asked, pins removed on a clean stop.
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <gtest/gtest.h>
#include <linux/if_link.h>
#include <net/if.h>
#include <unistd.h>

#include <sys/wait.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <set>

#include "telemetry/datapath_counters.hpp"
#include "datapath/error.hpp"
#include "datapath/in6.hpp"
#include "datapath/loader.hpp"
#include "sandbox.hpp"

using namespace xmip;
namespace fs = std::filesystem;

namespace {

dp::Options opts(const std::string& instance) {
    dp::Options o;
    o.instance = instance;
    o.pin_root = "/sys/fs/bpf/xmip-test";  // the sandbox's private bpffs
    return o;
}

xmip_binding binding(const char* remote, const char* local) {
    xmip_binding b{};
    b.remote = dp::require_in6(remote);
    b.local = dp::require_in6(local);
    return b;
}

uint32_t xdp_prog_on(int ifindex) {
    uint32_t id = 0;
    bpf_xdp_query_id(ifindex, 0, &id);
    return id;
}

TEST(Loader, RestartedInstanceReusesPinnedMaps) {
    XMIP_REQUIRE_SANDBOX();
    const auto hoa = dp::require_in6("2001:db8:2700::4");
    {
        dp::Datapath first(opts("restart"));
        first.maps().upsert_binding(hoa, binding("2001:db8:3::100", "2001:db8:2700::2"));
        first.keep_attached();
    }
    EXPECT_TRUE(fs::exists("/sys/fs/bpf/xmip-test/restart/xmip_bindings"));
    dp::Datapath second(opts("restart"));
    auto b = second.maps().lookup_binding(hoa);
    ASSERT_TRUE(b.has_value()) << "binding lost across the restart";
    EXPECT_EQ(dp::format_in6(b->remote), "2001:db8:3::100");
    // A tool opening the pins sees the same map.
    auto pinned = dp::DatapathMaps::open_pinned(second.pin_path());
    EXPECT_TRUE(pinned.lookup_binding(hoa).has_value());
    second.unpin();
    EXPECT_FALSE(fs::exists("/sys/fs/bpf/xmip-test/restart"));
}

TEST(Loader, InstancesDoNotShareState) {
    XMIP_REQUIRE_SANDBOX();
    dp::Datapath ha(opts("ha")), mn(opts("mn"));
    const auto hoa = dp::require_in6("2001:db8:2700::4");
    ha.maps().upsert_binding(hoa, binding("2001:db8:3::100", "2001:db8:2700::2"));
    EXPECT_FALSE(mn.maps().lookup_binding(hoa).has_value());
    EXPECT_NE(ha.pin_path(), mn.pin_path());
    ha.unpin();
    mn.unpin();
}

TEST(Loader, BindingMapSizedFromConfiguration) {
    XMIP_REQUIRE_SANDBOX();
    auto o = opts("sized");
    o.pin_maps = false;
    o.max_bindings = 4;
    dp::Datapath d(o);
    bpf_map_info info{};
    uint32_t len = sizeof(info);
    ASSERT_EQ(bpf_obj_get_info_by_fd(d.maps().fds().bindings, &info, &len), 0);
    EXPECT_EQ(info.max_entries, 4u);
    for (int i = 1; i <= 4; i++) {
        auto hoa = dp::require_in6("2001:db8:2700::" + std::to_string(i));
        d.maps().upsert_binding(hoa, binding("2001:db8:3::100", "2001:db8:2700::2"));
    }
    EXPECT_THROW(d.maps().upsert_binding(dp::require_in6("2001:db8:2700::5"),
                                         binding("2001:db8:3::100", "2001:db8:2700::2")),
                 dp::DatapathError);
    EXPECT_EQ(d.maps().bindings().size(), 4u);
}

TEST(Loader, BatchWriteInstallsEveryBinding) {
    XMIP_REQUIRE_SANDBOX();
    auto o = opts("batch");
    o.pin_maps = false;
    o.max_bindings = 20000;
    dp::Datapath d(o);
    std::vector<std::pair<xmip_in6, xmip_binding>> batch;
    for (int i = 0; i < 20000; i++) {
        xmip_in6 hoa = dp::require_in6("2001:db8:2700::");
        hoa.u8[14] = static_cast<uint8_t>(i >> 8);
        hoa.u8[15] = static_cast<uint8_t>(i);
        batch.emplace_back(hoa, binding("2001:db8:3::100", "2001:db8:2700::2"));
    }
    d.maps().upsert_bindings(batch);
    EXPECT_EQ(d.maps().bindings().size(), 20000u);
}

// Programs on the tcx egress hook of ifindex (kernel 6.6+); -1 without tcx.
int tcx_egress_progs(int ifindex) {
    __u32 count = 0;
    if (bpf_prog_query(ifindex, static_cast<bpf_attach_type>(47 /* BPF_TCX_EGRESS */), 0, nullptr, nullptr,
                       &count) != 0)
        return -1;
    return static_cast<int>(count);
}

bool legacy_tc_filter_on(int ifindex) {
    LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex, .attach_point = BPF_TC_EGRESS);
    LIBBPF_OPTS(bpf_tc_opts, q, .handle = 0x786d, .priority = 1);
    return bpf_tc_query(&hook, &q) == 0;
}

// Someone else's XDP program, attached the classic way (netlink, no link).
struct ForeignXdp {
    std::unique_ptr<dp::Datapath> other;
    uint32_t id = 0;
    ForeignXdp(int ifindex) {
        dp::Options o = opts("foreign");
        o.pin_maps = false;
        other = std::make_unique<dp::Datapath>(o);
        EXPECT_EQ(bpf_xdp_attach(ifindex, other->xdp_prog_fd(dp::Role::HomeAgent), XDP_FLAGS_SKB_MODE, nullptr), 0);
        id = xdp_prog_on(ifindex);
    }
};

TEST(Loader, AttachesAndDetachesOnDestruction) {
    XMIP_REQUIRE_SANDBOX();
    const int ifx = test::veth_pair("ld0");
    std::string tc_mode;
    {
        auto o = opts("attach");
        o.pin_maps = false;
        dp::Datapath d(o);
        d.attach_xdp(dp::Role::MobileNode, ifx);
        d.attach_tc_egress(ifx);
        EXPECT_NE(xdp_prog_on(ifx), 0u);
        auto a = d.attachments();
        ASSERT_EQ(a.size(), 2u);
        EXPECT_EQ(a[0].hook, "xdp");
        EXPECT_TRUE(a[0].link);
        tc_mode = a[1].mode;
        // tcx where the kernel has it (6.6+), a clsact filter elsewhere.
        if (tcx_egress_progs(ifx) >= 0) {
            EXPECT_EQ(tc_mode, "tcx");
            EXPECT_EQ(tcx_egress_progs(ifx), 1);
        } else {
            EXPECT_EQ(tc_mode, "clsact");
            EXPECT_TRUE(legacy_tc_filter_on(ifx));
        }
    }
    EXPECT_EQ(xdp_prog_on(ifx), 0u) << "XDP program left behind";
    EXPECT_FALSE(legacy_tc_filter_on(ifx)) << "tc filter left behind";
    if (tc_mode == "tcx") {
        EXPECT_EQ(tcx_egress_progs(ifx), 0) << "tcx program left behind";
    }
}

// XDP_REDIRECT goes through the devmap of the namespace's links
// (bpf/forward.bpf.h): attaching fills it with every link there is, a
// deleted link leaves it (the kernel's doing), clear empties it.
TEST(Loader, AttachFillsTheRedirectDevmapWithTheNamespacesLinks) {
    XMIP_REQUIRE_SANDBOX();
    const int ifx = test::veth_pair("ld2");
    auto o = opts("txports");
    o.pin_maps = false;
    dp::Datapath d(o);
    EXPECT_TRUE(d.tx_ports().empty());
    d.attach_xdp(dp::Role::HomeAgent, ifx, dp::XdpMode::Generic);
    std::vector<int> links;
    struct if_nameindex* all = if_nameindex();
    ASSERT_NE(all, nullptr);
    for (auto* l = all; l->if_index; l++) links.push_back(static_cast<int>(l->if_index));
    if_freenameindex(all);
    std::sort(links.begin(), links.end());
    EXPECT_EQ(d.tx_ports(), links);
    const int peer = static_cast<int>(if_nametoindex("ld2p"));
    ASSERT_GT(peer, 0);
    auto holds = [&](int i) {
        const auto v = d.tx_ports();
        return std::find(v.begin(), v.end(), i) != v.end();
    };
    EXPECT_TRUE(holds(peer));
    ASSERT_EQ(system("ip link del ld2p"), 0);
    // The kernel removes a vanished device from a devmap (NETDEV_UNREGISTER).
    for (int i = 0; i < 100 && holds(peer); i++) usleep(10000);
    EXPECT_FALSE(holds(peer));
    EXPECT_FALSE(holds(ifx));  // its veth peer went with it
    d.clear_tx_ports();
    EXPECT_TRUE(d.tx_ports().empty());
}

TEST(Loader, KeepAttachedLeavesForwardingInPlaceAndTheNextStartTakesItOver) {
    XMIP_REQUIRE_SANDBOX();
    const int ifx = test::veth_pair("ld1");
    uint32_t first_prog = 0;
    {
        dp::Datapath d(opts("keep"));
        EXPECT_EQ(d.attach_xdp(dp::Role::HomeAgent, ifx, dp::XdpMode::Generic), dp::XdpMode::Generic);
        d.attach_tc_egress(ifx);
        first_prog = xdp_prog_on(ifx);
        d.keep_attached();
    }
    EXPECT_EQ(xdp_prog_on(ifx), first_prog) << "the program went with the object that kept it";
    EXPECT_TRUE(fs::exists("/sys/fs/bpf/xmip-test/keep/link_xdp_ld1"));
    {
        dp::Datapath d(opts("keep"));
        // Auto would pick native on a veth: the pinned link's mode is kept.
        EXPECT_EQ(d.attach_xdp(dp::Role::HomeAgent, ifx), dp::XdpMode::Generic);
        d.attach_tc_egress(ifx);
        for (const auto& a : d.attachments()) EXPECT_TRUE(a.taken_over) << a.interface << " " << a.hook;
        const uint32_t now = xdp_prog_on(ifx);
        EXPECT_NE(now, 0u);
        EXPECT_NE(now, first_prog) << "the new start's program did not replace the old one";
        if (tcx_egress_progs(ifx) >= 0) {
            EXPECT_EQ(tcx_egress_progs(ifx), 1) << "two egress programs after a takeover";
        }
        d.keep_attached();
    }
    {
        // A tool (xmip-dp detach) removes what the instance pinned.
        dp::Datapath d(opts("keep"));
        d.detach_xdp(ifx);
        d.detach_tc_egress(ifx);
        EXPECT_EQ(xdp_prog_on(ifx), 0u);
        if (tcx_egress_progs(ifx) >= 0) {
            EXPECT_EQ(tcx_egress_progs(ifx), 0);
        }
        EXPECT_FALSE(fs::exists("/sys/fs/bpf/xmip-test/keep/link_xdp_ld1"));
        d.unpin();
    }
    EXPECT_FALSE(fs::exists("/sys/fs/bpf/xmip-test/keep"));
}

// kill -9: no destructor runs; the pinned link keeps the program attached
// and the next start takes it over.
TEST(Loader, PinnedLinkSurvivesACrashAndIsTakenOver) {
    XMIP_REQUIRE_SANDBOX();
    const int ifx = test::veth_pair("ld4");
    pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
        try {
            dp::Datapath d(opts("crash"));
            d.attach_xdp(dp::Role::HomeAgent, ifx);
            _exit(0);  // as if killed: no destructor, no detach
        } catch (...) {
            _exit(1);
        }
    }
    int status = 0;
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    const uint32_t before = xdp_prog_on(ifx);
    EXPECT_NE(before, 0u) << "the crashed process's program went away";
    dp::Datapath d(opts("crash"));
    d.attach_xdp(dp::Role::HomeAgent, ifx);
    EXPECT_TRUE(d.attachments().at(0).taken_over);
    EXPECT_NE(xdp_prog_on(ifx), before);
    d.detach_all();
    EXPECT_EQ(xdp_prog_on(ifx), 0u);
    d.unpin();
}

TEST(Loader, SomeoneElsesXdpProgramIsRefusedAndLeftAlone) {
    XMIP_REQUIRE_SANDBOX();
    const int theirs = test::veth_pair("ld2");
    const int ours = test::veth_pair("ld3");
    ForeignXdp foreign(theirs);
    ASSERT_NE(foreign.id, 0u);
    {
        dp::Datapath d(opts("own"));
        try {
            d.attach_xdp(dp::Role::HomeAgent, theirs);
            ADD_FAILURE() << "attached over someone else's program";
        } catch (const dp::DatapathError& e) {
            const std::string m = e.what();
            EXPECT_NE(m.find("ld2 already has an XDP program (id " + std::to_string(foreign.id)), std::string::npos) << m;
            EXPECT_NE(m.find("leaves it alone"), std::string::npos) << m;
        }
        EXPECT_EQ(xdp_prog_on(theirs), foreign.id);
        // A detach by this instance (xmip-dp detach) does not touch it either.
        EXPECT_THROW(d.detach_xdp(theirs), dp::DatapathError);
        EXPECT_EQ(xdp_prog_on(theirs), foreign.id);
        d.attach_xdp(dp::Role::HomeAgent, ours);
        EXPECT_NE(xdp_prog_on(ours), 0u);
        d.detach_all();  // a clean stop: ours only
        d.unpin();
    }
    EXPECT_EQ(xdp_prog_on(ours), 0u);
    EXPECT_EQ(xdp_prog_on(theirs), foreign.id) << "a stop removed someone else's program";
    bpf_xdp_detach(theirs, XDP_FLAGS_SKB_MODE, nullptr);
}

TEST(Loader, RejectsBadInstanceNames) {
    XMIP_REQUIRE_SANDBOX();
    for (const char* bad : {"", "a/b", "..", "."})
        EXPECT_THROW(dp::Datapath(opts(bad)), dp::DatapathError) << "'" << bad << "'";
}

TEST(Loader, AttachToMissingInterfaceIsAClearError) {
    XMIP_REQUIRE_SANDBOX();
    auto o = opts("missing");
    o.pin_maps = false;
    dp::Datapath d(o);
    try {
        d.attach_xdp(dp::Role::HomeAgent, 999999);
        FAIL() << "attached to a missing interface";
    } catch (const dp::DatapathError& e) {
        EXPECT_NE(std::string(e.what()).find("cannot attach XDP"), std::string::npos) << e.what();
    }
}

TEST(Counters, EveryCounterHasAUniqueIdentityAndHelp) {
    std::set<std::pair<std::string_view, std::string_view>> labels;
    std::set<std::string_view> ids;
    for (const auto& c : dp::kCounters) {
        EXPECT_TRUE(ids.insert(c.id).second) << c.id;
        EXPECT_TRUE(labels.insert({c.verdict, c.reason}).second)
            << "two counters would share verdict=" << c.verdict << " reason=" << c.reason;
        EXPECT_FALSE(c.help.empty()) << c.id;
        const std::set<std::string_view> verdicts{"pass", "tx", "redirect", "drop", "agent"};
        EXPECT_TRUE(verdicts.count(c.verdict)) << c.id << " has verdict " << c.verdict;
    }
}

TEST(In6, ParsesAndFormats) {
    EXPECT_EQ(dp::format_in6(dp::require_in6("2001:DB8:0::1")), "2001:db8::1");
    EXPECT_FALSE(dp::parse_in6("2001:db8::g").has_value());
    EXPECT_FALSE(dp::parse_in6("192.0.2.1").has_value());
    EXPECT_THROW(dp::require_in6("nonsense"), dp::DatapathError);
}

}  // namespace
