// SPDX-License-Identifier: BSD-2-Clause
#include "etcd/transport.hpp"

#include <curl/curl.h>

#include <mutex>

namespace xmip::etcd {
namespace {

void global_init() {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

// A connection that was never made: safe to try the next member.
bool not_connected(CURLcode rc) {
    return rc == CURLE_COULDNT_CONNECT || rc == CURLE_COULDNT_RESOLVE_HOST || rc == CURLE_SSL_CONNECT_ERROR ||
           rc == CURLE_SEND_ERROR;
}

struct Body {
    std::string data;
    // stream(): each complete line is one JSON message.
    const std::function<bool(const Json&)>* on_message = nullptr;
    bool stopped_by_consumer = false;
    std::optional<Error> error;
};

size_t on_write(char* p, size_t size, size_t n, void* user) {
    auto* b = static_cast<Body*>(user);
    b->data.append(p, size * n);
    if (b->on_message == nullptr) return size * n;
    size_t start = 0;
    for (size_t nl; (nl = b->data.find('\n', start)) != std::string::npos; start = nl + 1) {
        std::string_view line(b->data.data() + start, nl - start);
        if (line.find_first_not_of(" \r\t") == std::string_view::npos) continue;
        Json j = Json::parse(line, nullptr, false);
        if (j.is_discarded()) {
            b->error = Error{Error::Kind::protocol, "a streamed message that is not JSON", 0};
            return 0;  // aborts the transfer
        }
        if (!(*b->on_message)(j)) {
            b->stopped_by_consumer = true;
            return 0;
        }
    }
    b->data.erase(0, start);
    return size * n;
}

}  // namespace

struct Transport::Curl {
    CURL* easy = nullptr;
    CURLM* multi = nullptr;  // stream() only: a wakeable wait
    curl_slist* headers = nullptr;
    Curl() {
        global_init();
        easy = curl_easy_init();
        multi = curl_multi_init();
        headers = curl_slist_append(nullptr, "Content-Type: application/json");
    }
    ~Curl() {
        curl_slist_free_all(headers);
        if (multi != nullptr) curl_multi_cleanup(multi);
        if (easy != nullptr) curl_easy_cleanup(easy);
    }
};

std::string join_endpoints(const std::vector<std::string>& endpoints) {
    std::string s;
    for (const auto& e : endpoints) s += (s.empty() ? "" : ", ") + e;
    return s;
}

Transport::Transport(TransportOptions opts) : opts_(std::move(opts)), curl_(std::make_unique<Curl>()) {}
Transport::~Transport() = default;

const std::string& Transport::endpoint() const {
    static const std::string kNone = "(no endpoint)";
    return opts_.endpoints.empty() ? kNone : opts_.endpoints[current_ % opts_.endpoints.size()];
}

namespace {

void prepare(CURL* c, const TransportOptions& o, curl_slist* headers, const std::string& url, const std::string& body,
             Body* out, bool streaming) {
    curl_easy_reset(c);
    curl_easy_setopt(c, CURLOPT_URL, url.c_str());
    curl_easy_setopt(c, CURLOPT_POST, 1L);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.c_str());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_write);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, out);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(o.dial_timeout.count()));
    if (!streaming) curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(o.request_timeout.count()));
    // A dead peer on an idle stream is found by TCP keepalive.
    curl_easy_setopt(c, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(c, CURLOPT_TCP_KEEPIDLE, 5L);
    curl_easy_setopt(c, CURLOPT_TCP_KEEPINTVL, 2L);
    if (!o.ca_file.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, o.ca_file.c_str());
    if (!o.cert_file.empty()) curl_easy_setopt(c, CURLOPT_SSLCERT, o.cert_file.c_str());
    if (!o.key_file.empty()) curl_easy_setopt(c, CURLOPT_SSLKEY, o.key_file.c_str());
}

Error transport_error(const std::string& endpoint, CURLcode rc, const char* detail) {
    std::string m = "etcd at " + endpoint + ": " + curl_easy_strerror(rc);
    if (detail != nullptr && *detail != '\0') m += std::string(" (") + detail + ")";
    return Error{Error::Kind::unavailable, m, 0};
}

}  // namespace

Result<Json> Transport::call(std::string_view path, const Json& body) {
    if (opts_.endpoints.empty()) return Error{Error::Kind::unavailable, "no etcd endpoints configured", 0};
    const std::string text = body.dump();
    std::string failures;
    for (size_t tried = 0; tried < opts_.endpoints.size(); tried++) {
        const std::string& ep = endpoint();
        Body out;
        char detail[CURL_ERROR_SIZE] = {0};
        prepare(curl_->easy, opts_, curl_->headers, ep + std::string(path), text, &out, false);
        curl_easy_setopt(curl_->easy, CURLOPT_ERRORBUFFER, detail);
        CURLcode rc = curl_easy_perform(curl_->easy);
        curl_easy_setopt(curl_->easy, CURLOPT_ERRORBUFFER, nullptr);
        if (rc != CURLE_OK) {
            Error e = transport_error(ep, rc, detail);
            current_++;  // the next request, or the retry below, goes elsewhere
            if (!not_connected(rc)) return e;
            failures += (failures.empty() ? "" : "; ") + e.message;
            continue;
        }
        long status = 0;
        curl_easy_getinfo(curl_->easy, CURLINFO_RESPONSE_CODE, &status);
        Json j = Json::parse(out.data, nullptr, false);
        if (j.is_discarded()) {
            return Error{Error::Kind::protocol,
                         "etcd at " + ep + ": HTTP " + std::to_string(status) + " with an answer that is not JSON", 0};
        }
        if (auto e = error_in(j)) {
            if (e->kind == Error::Kind::unavailable) current_++;
            e->message = "etcd at " + ep + ": " + e->message;
            return *e;
        }
        if (status != 200) {
            return Error{Error::Kind::protocol, "etcd at " + ep + ": HTTP " + std::to_string(status), 0};
        }
        return j;
    }
    return Error{Error::Kind::unavailable, "no etcd endpoint answered: " + failures, 0};
}

Status Transport::stream(std::string_view path, const Json& body, const std::function<bool(const Json&)>& on_message,
                         const std::atomic<bool>& stop) {
    if (opts_.endpoints.empty()) return Error{Error::Kind::unavailable, "no etcd endpoints configured", 0};
    const std::string text = body.dump();
    const std::string ep = endpoint();
    Body out;
    out.on_message = &on_message;
    char detail[CURL_ERROR_SIZE] = {0};
    prepare(curl_->easy, opts_, curl_->headers, ep + std::string(path), text, &out, true);
    curl_easy_setopt(curl_->easy, CURLOPT_ERRORBUFFER, detail);
    curl_multi_add_handle(curl_->multi, curl_->easy);
    CURLcode rc = CURLE_OK;
    bool done = false;
    while (!done && !stop.load()) {
        int running = 0;
        curl_multi_perform(curl_->multi, &running);
        int left = 0;
        while (CURLMsg* m = curl_multi_info_read(curl_->multi, &left)) {
            if (m->msg == CURLMSG_DONE) {
                rc = m->data.result;
                done = true;
            }
        }
        if (done || running == 0) break;
        curl_multi_poll(curl_->multi, nullptr, 0, 1000, nullptr);
    }
    curl_multi_remove_handle(curl_->multi, curl_->easy);
    curl_easy_setopt(curl_->easy, CURLOPT_ERRORBUFFER, nullptr);
    if (stop.load() || out.stopped_by_consumer) return {};
    if (out.error) {
        out.error->message = "etcd at " + ep + ": " + out.error->message;
        return *out.error;
    }
    current_++;  // the stream ended: the next one tries the next member
    if (rc != CURLE_OK) return transport_error(ep, rc, detail);
    return Error{Error::Kind::unavailable, "etcd at " + ep + ": the stream ended", 0};
}

void Transport::wake() { curl_multi_wakeup(curl_->multi); }

}  // namespace xmip::etcd
