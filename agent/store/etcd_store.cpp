// SPDX-License-Identifier: BSD-2-Clause
#include "store/etcd_store.hpp"

#include <arpa/inet.h>

#include <nlohmann/json.hpp>

#include "core/in6.hpp"
#include "state/codec.hpp"

namespace xmip::store {
namespace {

constexpr const char* kMarker = "xmip-bindings 1";

int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

}  // namespace

EtcdStore::EtcdStore(EtcdStoreOptions o)
    : opts_(std::move(o)), client_(opts_.transport), prefix_(opts_.prefix), role_(opts_.role) {}

std::string EtcdStore::where() const {
    return "etcd " + etcd::join_endpoints(opts_.transport.endpoints) + " " + prefix_ + role_ + "/";
}

std::string EtcdStore::key_of(const in6_addr& hoa) const { return prefix_ + role_ + "/" + core::to_string(hoa); }

std::string EtcdStore::fail(const std::string& doing, const etcd::Error& e) const {
    std::string m = "binding store " + where() + ": " + doing + ": " + e.message;
    if (e.kind == etcd::Error::Kind::unavailable) m += " (is the cluster up and has it quorum?)";
    return m;
}

std::optional<std::string> EtcdStore::open() {
    auto st = client_.status();
    if (!st) return fail("cannot reach the cluster", st.error());
    // The format marker: created once, by the first agent of the fleet.
    const std::string marker = prefix_ + "format";
    etcd::TxnRequest t;
    t.compare.push_back(etcd::Compare::create_revision(marker, etcd::Compare::Op::equal, 0));
    t.success.push_back(etcd::PutRequest{marker, kMarker, 0, false});
    t.failure.push_back(etcd::RangeRequest::one(marker));
    auto r = client_.txn(t);
    if (!r) return fail("cannot write its format marker " + marker, r.error());
    created_ = r->succeeded;
    if (!r->succeeded) {
        const auto* got = std::get_if<etcd::RangeResponse>(&r->responses.at(0));
        std::string v = got != nullptr && !got->kvs.empty() ? got->kvs[0].value : "";
        if (v != kMarker) {
            return "binding store " + where() + ": " + marker + " holds \"" + v + "\", not \"" + kMarker +
                   "\": another program's keys or a newer xmipd's; choose another cluster.prefix";
        }
    }
    return std::nullopt;
}

core::Result<state::Snapshot, std::string> EtcdStore::load() {
    auto r = client_.range_prefix(watch_prefix());
    if (!r) return fail("cannot read the bindings", r.error());
    state::Snapshot s;
    s.created = created_;
    revision_ = r->header.revision;
    known_.clear();
    erased_.clear();
    for (const auto& kv : r->kvs) {
        if (role_ == "ha") {
            auto d = state::decode_ha(kv.value);
            if (!d.value || d.value->bindings.size() != 1)
                return "binding store " + where() + ": key " + kv.key + " is not one binding: " + d.error;
            if (key_of(d.value->bindings[0].hoa) != kv.key)
                return "binding store " + where() + ": key " + kv.key + " holds another home address's binding";
            s.bindings.push_back(d.value->bindings[0]);
        } else {
            auto d = state::decode_mn(kv.value);
            if (!d.value) return "binding store " + where() + ": key " + kv.key + ": " + d.error;
            s.mn.push_back(*d.value);
        }
        known_[kv.key] = kv.mod_revision;
    }
    return s;
}

core::Result<int64_t, std::string> EtcdStore::lease_for(int64_t expires_ms) {
    const int64_t now_s = now_ms() / 1000;
    // Leases whose end has passed are gone in etcd too.
    leases_.erase(leases_.begin(), leases_.lower_bound(now_s + 1));
    const int64_t end = (expires_ms + 999) / 1000 + opts_.lease_slack_s;
    if (auto it = leases_.find(end); it != leases_.end()) return it->second;
    auto g = client_.lease_grant(std::max<int64_t>(end - now_s, 1));
    if (!g) return fail("cannot grant a lease", g.error());
    leases_[end] = g->id;
    return g->id;
}

std::optional<std::string> EtcdStore::commit(const state::Changes& c) {
    if (c.empty()) return std::nullopt;
    const size_t ops = c.size();
    if (ops <= kMaxTxnOps) return commit_one(c);
    // More than one etcd transaction takes: kMaxTxnOps changes each, in
    // order, each binding whole with its compare-and-swap. When a later one
    // fails, the earlier ones stay written, while the caller refuses and
    // reverts every unit of the batch: this agent then forgets it wrote
    // them (their keys' revisions as before the batch), so that their
    // events reach it through its watch like another agent's and its cache
    // and maps follow etcd, as after a request whose outcome is unknown.
    struct Before {
        std::string key;
        std::optional<int64_t> known, erased;
    };
    std::vector<Before> written_keys;  // of the transactions that succeeded
    size_t txns = 0;
    state::Changes chunk;
    std::vector<Before> chunk_keys;
    auto flush = [&]() -> std::optional<std::string> {
        if (chunk.empty()) return std::nullopt;
        if (auto e = commit_one(chunk)) {
            if (txns == 0) return e;
            for (const auto& b : written_keys) {
                if (b.known)
                    known_[b.key] = *b.known;
                else
                    known_.erase(b.key);
                if (b.erased)
                    erased_[b.key] = *b.erased;
                else
                    erased_.erase(b.key);
            }
            return *e + " (after " + std::to_string(written_keys.size()) + " of the batch's " + std::to_string(ops) +
                   " changes were written in " + std::to_string(txns) +
                   " transactions: they come back through the watch)";
        }
        txns++;
        written_keys.insert(written_keys.end(), chunk_keys.begin(), chunk_keys.end());
        chunk = state::Changes{};
        chunk_keys.clear();
        return std::nullopt;
    };
    // One change into the chunk (its key's revisions remembered first);
    // a full chunk is written.
    auto add = [&](const in6_addr& hoa, auto& list, const auto& item) -> std::optional<std::string> {
        Before b{key_of(hoa), {}, {}};
        if (auto k = known_.find(b.key); k != known_.end()) b.known = k->second;
        if (auto e = erased_.find(b.key); e != erased_.end()) b.erased = e->second;
        chunk_keys.push_back(std::move(b));
        list.push_back(item);
        return chunk.size() == kMaxTxnOps ? flush() : std::nullopt;
    };
    for (const auto& b : c.put)
        if (auto e = add(b.hoa, chunk.put, b)) return e;
    for (const auto& m : c.mn_put)
        if (auto e = add(m.hoa, chunk.mn_put, m)) return e;
    for (const auto& h : c.erase)
        if (auto e = add(h, chunk.erase, h)) return e;
    return flush();
}

std::optional<std::string> EtcdStore::commit_one(const state::Changes& c) {
    etcd::TxnRequest t;
    std::vector<std::string> put_keys;
    const int64_t written = now_ms();
    auto compare_known = [&](const std::string& key) {
        auto it = known_.find(key);
        if (it == known_.end())
            t.compare.push_back(etcd::Compare::create_revision(key, etcd::Compare::Op::equal, 0));
        else
            t.compare.push_back(etcd::Compare::mod_revision(key, etcd::Compare::Op::equal, it->second));
    };
    for (const auto& b : c.put) {
        auto lease = lease_for(b.expires_ms);
        if (!lease) return lease.error();
        std::string key = key_of(b.hoa);
        compare_known(key);
        t.success.push_back(etcd::PutRequest{key, state::encode(state::HaState{{b}}, written), *lease, false});
        t.failure.push_back(etcd::RangeRequest::one(key));
        put_keys.push_back(std::move(key));
    }
    for (const auto& m : c.mn_put) {
        std::string key = key_of(m.hoa);
        compare_known(key);
        t.success.push_back(etcd::PutRequest{key, state::encode(m, written), 0, false});
        t.failure.push_back(etcd::RangeRequest::one(key));
        put_keys.push_back(std::move(key));
    }
    std::vector<std::string> erase_keys;
    for (const auto& hoa : c.erase) {
        erase_keys.push_back(key_of(hoa));
        t.success.push_back(etcd::DeleteRequest{erase_keys.back(), {}, false});
    }
    auto r = client_.txn(t);
    if (!r) return fail("the transaction failed, outcome unknown until the watch tells", r.error());
    if (!r->succeeded) {
        // Learn what is there now: the retry compares against it.
        std::string who;
        for (size_t i = 0; i < r->responses.size() && i < put_keys.size(); i++) {
            const auto* got = std::get_if<etcd::RangeResponse>(&r->responses[i]);
            if (got == nullptr) continue;
            auto it = known_.find(put_keys[i]);
            const int64_t mine = it == known_.end() ? 0 : it->second;
            const int64_t now = got->kvs.empty() ? 0 : got->kvs[0].mod_revision;
            if (now == mine) continue;
            if (got->kvs.empty())
                known_.erase(put_keys[i]);
            else
                known_[put_keys[i]] = now;
            // The winner's change is not this agent's: its watch event
            // must still reach the agent's cache and maps (remote()).
            conflicted_[put_keys[i]] = now;
            if (who.empty())
                who =
                    put_keys[i] + " (revision " + std::to_string(mine) + " here, " + std::to_string(now) + " in etcd)";
        }
        return "binding store " + where() + ": another agent changed " + (who.empty() ? "a binding" : who) +
               " meanwhile: refused, nothing written";
    }
    const int64_t rev = r->header.revision;
    for (const auto& k : put_keys) {
        known_[k] = rev;
        erased_.erase(k);
        conflicted_.erase(k);  // this write supersedes what was lost to
    }
    for (const auto& k : erase_keys) {
        known_.erase(k);
        erased_[k] = rev;
    }
    return std::nullopt;
}

RemoteChanges EtcdStore::remote(const std::vector<etcd::Event>& events, std::chrono::system_clock::time_point read_at) {
    RemoteChanges out;
    const int64_t read_ms = std::chrono::duration_cast<std::chrono::milliseconds>(read_at.time_since_epoch()).count();
    for (const auto& e : events) {
        revision_ = std::max(revision_, e.kv.mod_revision);
        auto it = known_.find(e.kv.key);
        // Another agent's change this agent learnt of by losing to it: news
        // to the cache although its revision is known (commit()).
        bool lost_to = false;
        if (auto c = conflicted_.find(e.kv.key); c != conflicted_.end() && e.kv.mod_revision >= c->second) {
            conflicted_.erase(c);
            lost_to = true;
        }
        if (!lost_to && it != known_.end() && it->second >= e.kv.mod_revision) continue;  // ours, or older
        // Before this agent's own erase of the key: old news.
        if (auto er = erased_.find(e.kv.key); er != erased_.end()) {
            if (er->second >= e.kv.mod_revision) continue;
            erased_.erase(er);
        }
        if (e.type == etcd::Event::Type::del) {
            if (it == known_.end() && !lost_to) continue;  // erased here already
            if (it == known_.end()) {
                std::string text = e.kv.key.substr(watch_prefix().size());
                in6_addr a{};
                if (::inet_pton(AF_INET6, text.c_str(), &a) == 1) out.erase.push_back(a);
                continue;
            }
            known_.erase(it);
            std::string text = e.kv.key.substr(watch_prefix().size());
            in6_addr a{};
            if (::inet_pton(AF_INET6, text.c_str(), &a) == 1)
                out.erase.push_back(a);
            else
                out.errors.push_back("key " + e.kv.key + " does not end in a home address");
            continue;
        }
        known_[e.kv.key] = e.kv.mod_revision;
        if (role_ != "ha") continue;
        auto d = state::decode_ha(e.kv.value);
        if (!d.value || d.value->bindings.size() != 1 || key_of(d.value->bindings[0].hoa) != e.kv.key) {
            out.errors.push_back("key " + e.kv.key + " is not one binding: " + d.error);
            continue;
        }
        // The writer's clock when it committed (the state format's header).
        auto j = nlohmann::json::parse(e.kv.value, nullptr, false);
        int64_t written = 0;
        if (j.is_object() && j.contains("written_unix_ms") && j["written_unix_ms"].is_number_integer()) {
            written = j["written_unix_ms"].get<int64_t>();
            out.lag_ms.push_back(static_cast<double>(read_ms - written));
        }
        out.written_ms.push_back(written);
        out.put.push_back(d.value->bindings[0]);
    }
    return out;
}

}  // namespace xmip::store
