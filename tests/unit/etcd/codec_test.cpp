// SPDX-License-Identifier: BSD-2-Clause
// The JSON etcd's gateway is sent and answers, exactly: requests as the
// gateway parses them (base64 bytes, 64-bit integers as strings, defaults
// left out), answers as etcd 3.4 writes them (copied from its output).
#include "etcd/codec.hpp"

#include <gtest/gtest.h>

#include "etcd/base64.hpp"

namespace xmip::etcd::test {
namespace {

Json parse(const char* s) { return Json::parse(s); }

TEST(EtcdBase64, RoundTripsEveryPaddingAndRefusesWhatIsNotCanonical) {
    EXPECT_EQ(base64_encode(""), "");
    EXPECT_EQ(base64_encode("f"), "Zg==");
    EXPECT_EQ(base64_encode("fo"), "Zm8=");
    EXPECT_EQ(base64_encode("foo"), "Zm9v");
    EXPECT_EQ(base64_encode(std::string("\xff\x00\xfe", 3)), "/wD+");
    EXPECT_EQ(base64_decode("Zm9vYg==").value(), "foob");
    EXPECT_EQ(base64_decode("/wD+").value(), std::string("\xff\x00\xfe", 3));
    EXPECT_FALSE(base64_decode("Zm9"));       // not a multiple of 4
    EXPECT_FALSE(base64_decode("Zm=v"));      // padding inside
    EXPECT_FALSE(base64_decode("Zm9v!A=="));  // not in the alphabet
    EXPECT_FALSE(base64_decode("===="));
}

TEST(EtcdPrefixEnd, IncrementsTheLastByteBelow0xff) {
    EXPECT_EQ(prefix_end("/xmip/"), "/xmip0");
    EXPECT_EQ(prefix_end(std::string("a\xff", 2)), "b");
    EXPECT_EQ(prefix_end(std::string("\xff", 1)), std::string(1, '\0'));
}

TEST(EtcdEncode, RangeOfAPrefixSortedByCreation) {
    RangeRequest r;
    r.key = "/x/";
    r.range_end = prefix_end("/x/");
    r.limit = 1;
    r.sort_order = RangeRequest::SortOrder::ascend;
    r.sort_target = RangeRequest::SortTarget::create;
    EXPECT_EQ(encode(r).dump(),
              R"({"key":"L3gv","limit":"1","range_end":"L3gw","sort_order":"ASCEND","sort_target":"CREATE"})");
    EXPECT_EQ(encode(RangeRequest::one("k")).dump(), R"({"key":"aw=="})");
}

TEST(EtcdEncode, PutWithALeaseAndDelete) {
    EXPECT_EQ(encode(PutRequest{"k", "v", 7587869542358393856, false}).dump(),
              R"({"key":"aw==","lease":"7587869542358393856","value":"dg=="})");
    EXPECT_EQ(encode(PutRequest{"k", "", 0, true}).dump(), R"({"key":"aw==","prev_kv":true,"value":""})");
    EXPECT_EQ(encode(DeleteRequest{"a", "b", true}).dump(), R"({"key":"YQ==","prev_kv":true,"range_end":"Yg=="})");
}

TEST(EtcdEncode, TxnWithEveryCompareTargetAndBothBranches) {
    TxnRequest t;
    t.compare.push_back(Compare::create_revision("k", Compare::Op::equal, 0));
    t.compare.push_back(Compare::mod_revision("k", Compare::Op::less, 12));
    t.compare.push_back(Compare::version("k", Compare::Op::greater, 3));
    t.compare.push_back(Compare::value_is("k", Compare::Op::not_equal, "v"));
    t.compare.push_back(Compare::lease_is("k", Compare::Op::equal, 9));
    t.success.push_back(PutRequest{"k", "v", 9, false});
    t.success.push_back(DeleteRequest{"d", "", false});
    t.failure.push_back(RangeRequest::one("k"));
    EXPECT_EQ(encode(t).dump(), R"({"compare":[)"
                                R"({"create_revision":"0","key":"aw==","result":"EQUAL","target":"CREATE"},)"
                                R"({"key":"aw==","mod_revision":"12","result":"LESS","target":"MOD"},)"
                                R"({"key":"aw==","result":"GREATER","target":"VERSION","version":"3"},)"
                                R"({"key":"aw==","result":"NOT_EQUAL","target":"VALUE","value":"dg=="},)"
                                R"({"key":"aw==","lease":"9","result":"EQUAL","target":"LEASE"}],)"
                                R"("failure":[{"request_range":{"key":"aw=="}}],)"
                                R"("success":[{"request_put":{"key":"aw==","lease":"9","value":"dg=="}},)"
                                R"({"request_delete_range":{"key":"ZA=="}}]})");
}

TEST(EtcdEncode, WatchAndLeases) {
    WatchCreateRequest w{"a", "b", 42, true, false};
    EXPECT_EQ(encode(w).dump(),
              R"({"create_request":{"key":"YQ==","prev_kv":true,"range_end":"Yg==","start_revision":"42"}})");
    EXPECT_EQ(encode_lease_grant(5, 0).dump(), R"({"TTL":"5"})");
    EXPECT_EQ(encode_lease_grant(5, 77).dump(), R"({"ID":"77","TTL":"5"})");
    EXPECT_EQ(encode_lease_id(77).dump(), R"({"ID":"77"})");
    EXPECT_EQ(encode_lease_timetolive(77, true).dump(), R"({"ID":"77","keys":true})");
}

TEST(EtcdDecode, ARangeAnswerAsEtcdWritesIt) {
    auto r = decode_range(parse(
        R"({"header":{"cluster_id":"15118495548433857066","member_id":"13668033151171901709","revision":"2","raft_term":"2"},)"
        R"("kvs":[{"key":"Zm9v","create_revision":"2","mod_revision":"3","version":"2","value":"YmFy","lease":"11"}],"count":"1"})"));
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r->header.cluster_id, 15118495548433857066ull);
    EXPECT_EQ(r->header.member_id, 13668033151171901709ull);
    EXPECT_EQ(r->header.revision, 2);
    EXPECT_EQ(r->count, 1);
    EXPECT_FALSE(r->more);
    ASSERT_EQ(r->kvs.size(), 1u);
    EXPECT_EQ(r->kvs[0].key, "foo");
    EXPECT_EQ(r->kvs[0].value, "bar");
    EXPECT_EQ(r->kvs[0].create_revision, 2);
    EXPECT_EQ(r->kvs[0].mod_revision, 3);
    EXPECT_EQ(r->kvs[0].version, 2);
    EXPECT_EQ(r->kvs[0].lease, 11);
    // Nothing found: etcd leaves kvs and count out.
    auto empty = decode_range(parse(R"({"header":{"revision":"2"}})"));
    ASSERT_TRUE(empty);
    EXPECT_TRUE(empty->kvs.empty());
}

TEST(EtcdDecode, ATxnAnswerOfEachBranch) {
    auto ok = decode_txn(parse(
        R"({"header":{"revision":"9"},"succeeded":true,"responses":[{"response_put":{"header":{"revision":"9"}}},)"
        R"({"response_delete_range":{"header":{"revision":"9"},"deleted":"1"}}]})"));
    ASSERT_TRUE(ok) << ok.error().message;
    EXPECT_TRUE(ok->succeeded);
    ASSERT_EQ(ok->responses.size(), 2u);
    EXPECT_TRUE(std::holds_alternative<PutResponse>(ok->responses[0]));
    EXPECT_EQ(std::get<DeleteResponse>(ok->responses[1]).deleted, 1);
    // The failure branch: succeeded left out (false).
    auto failed = decode_txn(parse(
        R"({"header":{"revision":"2"},"responses":[{"response_range":{"header":{"revision":"2"},)"
        R"("kvs":[{"key":"Zm9v","create_revision":"2","mod_revision":"2","version":"1","value":"YmFy"}],"count":"1"}}]})"));
    ASSERT_TRUE(failed);
    EXPECT_FALSE(failed->succeeded);
    EXPECT_EQ(std::get<RangeResponse>(failed->responses[0]).kvs.at(0).value, "bar");
}

TEST(EtcdDecode, LeasesStatusAndMembers) {
    auto g = decode_lease_grant(parse(R"({"header":{"revision":"2"},"ID":"4111120437365317896","TTL":"5"})"));
    ASSERT_TRUE(g);
    EXPECT_EQ(g->id, 4111120437365317896);
    EXPECT_EQ(g->ttl, 5);
    auto k = decode_lease_keepalive(parse(R"({"result":{"header":{"revision":"5"},"ID":"4111120437365317904"}})"));
    ASSERT_TRUE(k);
    EXPECT_EQ(k->ttl, 0) << "a revoked lease's keepalive has no TTL";
    auto t = decode_lease_timetolive(parse(R"({"header":{},"ID":"123","TTL":"-1"})"));
    ASSERT_TRUE(t);
    EXPECT_EQ(t->ttl, -1);
    auto s = decode_status(parse(R"({"header":{"revision":"5"},"version":"3.4.23","dbSize":"20480",)"
                                 R"("leader":"13668033151171901709","raftIndex":"16","raftTerm":"2"})"));
    ASSERT_TRUE(s);
    EXPECT_EQ(s->version, "3.4.23");
    EXPECT_EQ(s->leader, 13668033151171901709ull);
    auto m = decode_member_list(
        parse(R"({"header":{},"members":[{"ID":"1","name":"a",)"
              R"("peerURLs":["http://127.0.0.1:23801"],"clientURLs":["http://127.0.0.1:23791"]}]})"));
    ASSERT_TRUE(m);
    ASSERT_EQ(m->members.size(), 1u);
    EXPECT_EQ(m->members[0].client_urls.at(0), "http://127.0.0.1:23791");
}

TEST(EtcdDecode, WatchEventsCancelAndErrors) {
    auto w = decode_watch(parse(
        R"({"result":{"header":{"revision":"5"},"events":[{"kv":{"key":"YTE=","create_revision":"4","mod_revision":"4","version":"1","value":"eA=="}},)"
        R"({"type":"DELETE","kv":{"key":"YTE=","mod_revision":"5"},"prev_kv":{"key":"YTE=","create_revision":"4","mod_revision":"4","version":"1","value":"eA=="}}]}})"));
    ASSERT_TRUE(w) << w.error().message;
    ASSERT_EQ(w->events.size(), 2u);
    EXPECT_EQ(w->events[0].type, Event::Type::put);
    EXPECT_EQ(w->events[0].kv.value, "x");
    EXPECT_EQ(w->events[1].type, Event::Type::del);
    EXPECT_EQ(w->events[1].kv.mod_revision, 5);
    ASSERT_TRUE(w->events[1].prev_kv);
    EXPECT_EQ(w->events[1].prev_kv->value, "x");
    auto c = decode_watch(parse(R"({"result":{"header":{"raft_term":"2"},"canceled":true,"compact_revision":"3"}})"));
    ASSERT_TRUE(c);
    EXPECT_TRUE(c->canceled);
    EXPECT_EQ(c->compact_revision, 3);

    auto e = error_in(parse(
        R"({"error":"etcdserver: requested lease not found","message":"etcdserver: requested lease not found","code":5})"));
    ASSERT_TRUE(e);
    EXPECT_EQ(e->kind, Error::Kind::rejected);
    EXPECT_EQ(e->code, 5);
    EXPECT_EQ(e->message, "etcdserver: requested lease not found");
    auto u = error_in(parse(
        R"({"error":{"grpc_code":14,"http_code":503,"message":"etcdserver: request timed out","http_status":"Service Unavailable"}})"));
    ASSERT_TRUE(u);
    EXPECT_EQ(u->kind, Error::Kind::unavailable);
    EXPECT_FALSE(error_in(parse(R"({"header":{}})")));
}

TEST(EtcdDecode, WhatIsNotEtcdsJsonIsAnErrorNotACrash) {
    for (const char* bad :
         {R"([1,2])", R"({"kvs":[{"key":"!!"}]})", R"({"kvs":{"key":"YQ=="}})", R"({"header":{"revision":"x"}})",
          R"({"header":{"revision":true}})", R"({"succeeded":"yes"})", R"({"responses":[{"response_other":{}}]})"}) {
        auto r = decode_txn(parse(bad));
        auto g = decode_range(parse(bad));
        EXPECT_FALSE(r.ok() && g.ok()) << bad;
        if (!g) {
            EXPECT_EQ(g.error().kind, Error::Kind::protocol) << bad;
        }
    }
    EXPECT_FALSE(decode_watch(parse(R"({"header":{}})"))) << "a streamed answer without result";
    EXPECT_FALSE(decode_watch(parse(R"({"result":{"events":[{"type":"MOVE","kv":{}}]}})")));
}

}  // namespace
}  // namespace xmip::etcd::test
