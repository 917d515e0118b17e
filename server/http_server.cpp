#include "server/http_server.h"

// Explicit for FreeBSD, where they do not come in through other headers.
#include <sys/types.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <fcntl.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <mutex>
#include <string_view>
#include <system_error>
#include <thread>
#include <unordered_map>

#include "base/log.h"
#include "platform/poller.h"
#include "server/content_encoding.h"
#include "server/listen_address.h"
#include "server/url.h"

namespace ifmib::server {

HttpResponse HttpServer::handle(const HttpRequest& request) {
  const bool head = request.method == "HEAD";
  const auto path = decode_path(request.path);
  const std::string* authorization = request.header("Authorization");
  HttpResponse response;
  if (security_ && !security_->authorize(authorization ? authorization->c_str() : nullptr)) {
    response = text_response(401, "Unauthorized\n");
    response.headers = {{"WWW-Authenticate", "Basic realm=\"ifmib_exporter\", charset=\"UTF-8\""}};
  } else if (request.method != "GET" && !head) {
    response = text_response(405, "Method not allowed: use GET or HEAD.\n");
    response.headers = {{"Allow", "GET, HEAD"}};
  } else if (!path) {
    response = text_response(400, path.error().text() + "\n");
  } else if (*path == config_.telemetry_path) {
    response = serve_metrics(request);
  } else if (*path == "/-/healthy" || *path == "/-/ready") {
    response = text_response(200, "OK\n");
  } else if (*path == "/") {
    response = routes_.landing_page();
  } else {
    response = text_response(404, "Not found. Metrics are at " + config_.telemetry_path + "\n");
  }
  response.head = head;
  bool compressed = false;
  if (response.compressible) {
    const std::string* accept = request.header("Accept-Encoding");
    response.headers.emplace_back("Vary", "Accept-Encoding");
    if (accept && accepts_gzip(*accept)) {
      std::string gzipped = response.parts.empty() ? gzip_.gzip(response.body) : gzip_.gzip(response.parts);
      if (!gzipped.empty()) {
        response.body = std::move(gzipped);
        response.headers.emplace_back("Content-Encoding", "gzip");
        compressed = true;
      }
    }
  }
  if (!compressed && !response.parts.empty()) response.body = body_text(response.parts);
  // The kept parts live on in the cache; the others go now, not when the response is sent.
  response.parts.clear();
  if (security_) {
    for (auto& header : security_->headers()) response.headers.push_back(std::move(header));
  }
  return response;
}

HttpResponse HttpServer::serve_metrics(const HttpRequest& request) {
  // The slot is held until the loop has sent the response (or dropped the connection), as
  // promhttp counts a request in flight until its handler has written the body: with a slow
  // reader the response stays in memory, and the limit bounds how many of those there are.
  std::shared_ptr<void> slot(&in_flight_, [](void* n) { --*static_cast<std::atomic<int>*>(n); });
  if (++in_flight_ > config_.max_requests && config_.max_requests > 0) {
    HttpResponse busy =
        text_response(503, "Too many concurrent scrapes (limit " + std::to_string(config_.max_requests) + ").\n");
    busy.headers = {{"Retry-After", "1"}};
    return busy;
  }
  HttpResponse response = routes_.metrics(request);
  if (response.status == 200) response.slot = std::move(slot);
  return response;
}

// ---------------------------------------------------------------------------------------------
// The event loop. One thread owns every socket; workers see only complete requests.

namespace {

using Clock = std::chrono::steady_clock;
using platform::Poller;

// A connection that has sent part of a request (or, under TLS, part of a handshake) must complete
// it within this time, counted from its first byte. Waiting costs a descriptor, not a thread, so
// this only bounds how long a slow client keeps one; it is long enough for any real client.
constexpr auto kRequestTimeout = std::chrono::seconds(30);
// An open connection with no request under way (new or kept alive after a response) is closed
// after this. Prometheus scrapes every 15 s to 1 min and keeps its connection between scrapes;
// its client keeps idle connections for minutes, so the server must not close them first.
constexpr auto kIdleTimeout = std::chrono::minutes(5);
// A response must be taken by the client within this time, or the connection is closed (and a
// /metrics response's --web.max-requests slot freed).
constexpr auto kWriteTimeout = std::chrono::seconds(60);
// After a response that ends the connection: how long unread request bytes are drained (see
// finish_response).
constexpr auto kLingerTimeout = std::chrono::seconds(2);
// How often deadlines are checked (and accepting resumed after a descriptor shortage).
constexpr int kTickMs = 250;
// stop(): how long requests being handled or written may take to finish.
constexpr auto kStopGrace = std::chrono::seconds(10);

struct SslFree {
  void operator()(SSL* ssl) const { SSL_free(ssl); }
};

struct Connection {
  enum class State { handshake, reading, processing, writing, lingering };
  int fd = -1;
  std::uint64_t id = 0;
  std::unique_ptr<SSL, SslFree> ssl;
  State state = State::reading;
  bool registered = false;      // in the poller (removed while a worker has the request)
  bool watch_read = false, watch_write = false;  // what the poller watches it for
  bool request_started = false;  // a byte of the current request (or the handshake) has arrived
  bool peer_closed = false;
  std::string in;                // received bytes not yet consumed
  std::string out_head, out_body;
  std::size_t out_at = 0;        // bytes of out_head + out_body already sent
  bool close_after_write = false;
  std::shared_ptr<void> slot;    // the response's --web.max-requests slot, if any
  Clock::time_point waiting_since;  // start of the current wait (eviction picks the oldest)
  Clock::time_point deadline;
};

// A complete request on its way to a worker, or its response on the way back.
struct Job {
  int fd = -1;
  std::uint64_t id = 0;
  bool plain = false;  // no TLS: the worker may write the response itself (Loop::send_from_worker)
  HttpRequest request;
  HttpResponse response;
  // Set by a worker that wrote the response itself: its head, and how many bytes of head and body
  // went out. The loop sends the rest, if any. After the whole response the worker also puts the
  // connection back in the poller, watched for reading (`in_poller`), and does not wake the loop.
  bool written_by_worker = false;
  bool sent_all = false;
  bool in_poller = false;
  std::string head;
  std::size_t sent = 0;
};

// Whether the connection stays open after the response to `request`.
bool keeps_alive(const HttpRequest& request, bool stopping) {
  return request.keep_alive && !request.has_body && !stopping;
}

// Sends what is left of `head` and then `body` from byte `at` of the two, head and body in one
// call: no second small segment waiting for a delayed ACK. sendmsg's result.
ssize_t send_rest(int fd, std::string_view head, std::string_view body, std::size_t at) {
  iovec parts[2];
  int count = 0;
  if (at < head.size()) {
    parts[count++] = {const_cast<char*>(head.data() + at), head.size() - at};
    if (!body.empty()) parts[count++] = {const_cast<char*>(body.data()), body.size()};
  } else {
    parts[count++] = {const_cast<char*>(body.data() + (at - head.size())), body.size() - (at - head.size())};
  }
  msghdr message{};
  message.msg_iov = parts;
  message.msg_iovlen = count;
  return sendmsg(fd, &message, MSG_NOSIGNAL | MSG_DONTWAIT);
}

}  // namespace

class HttpServer::Loop {
 public:
  Loop(HttpServer& server, Poller poller) : server_(server), poller_(std::move(poller)) {}
  ~Loop() {
    for (int fd : listeners_) close(fd);
    if (wake_[0] >= 0) close(wake_[0]);
    if (wake_[1] >= 0) close(wake_[1]);
    if (ssl_ctx_) SSL_CTX_free(ssl_ctx_);
  }

  Status open(const std::vector<std::string>& addresses, SSL_CTX* ssl_ctx);
  void start_thread() {
    // One worker from the start: a request must never wait for a thread that cannot be created.
    workers_.emplace_back([this] { worker(); });
    thread_ = std::thread([this] { run(); });
  }
  void stop();
  std::vector<std::string> bound_addresses() const;

 private:
  void run();
  void accept_all(int listener);
  void on_event(Connection& c, bool readable, bool writable);
  void handshake(Connection& c);
  void read_request(Connection& c);
  void parse_buffered(Connection& c);
  void dispatch(Connection& c, HttpRequest request);
  void respond(Connection& c, HttpResponse response, bool keep_alive, bool http10);
  void start_writing(Connection& c, std::string head, HttpResponse response, bool keep_alive, std::size_t sent);
  void send_from_worker(Job& job);
  void flush(Connection& c);
  void finish_response(Connection& c);
  void drain(Connection& c);
  void watch(Connection& c, bool read, bool write);
  void close_connection(int fd);
  void take_responses();
  void check_deadlines();
  bool evict_oldest_waiting();
  bool make_room(const char* why);
  void worker();

  HttpServer& server_;
  Poller poller_;
  SSL_CTX* ssl_ctx_ = nullptr;  // our reference to the front context (TLS only)
  std::vector<int> listeners_;
  int wake_[2] = {-1, -1};  // workers write a byte to wake_[1] when a response is ready
  std::thread thread_;
  std::unordered_map<int, std::unique_ptr<Connection>> connections_;
  std::uint64_t next_id_ = 1;
  bool accepting_ = true;
  std::size_t max_connections_ = 0;  // below the descriptor limit: scrapes need descriptors too
  Clock::time_point resume_accepting_;
  bool descriptor_shortage_logged_ = false;
  std::atomic<bool> stopping_{false};

  // Worker pool: threads start as requests need them, up to `max_workers_`.
  std::mutex mu_;
  std::condition_variable work_ready_;
  std::deque<Job> jobs_;
  std::vector<Job> done_;
  std::vector<std::thread> workers_;
  // Connections a worker still had when the loop ended (stop() after the grace period): closed
  // only once the workers are joined, as a worker may still write to one (send_from_worker).
  std::vector<std::unique_ptr<Connection>> orphans_;
  int idle_workers_ = 0;
  int max_workers_ = 1;
  bool workers_stop_ = false;

  friend class HttpServer;
};

Status HttpServer::Loop::open(const std::vector<std::string>& addresses, SSL_CTX* ssl_ctx) {
  ssl_ctx_ = ssl_ctx;
  for (const auto& text : addresses) {
    auto address = resolve_listen_address(text);
    if (!address) return address.error();
    const int family = address->address.ss_family;
    const int fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) return Error::from_errno("socket for " + text, errno);
    listeners_.push_back(fd);
    const int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (family == AF_INET6) setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
    if (bind(fd, reinterpret_cast<const sockaddr*>(&address->address), address->length) != 0) {
      return Error::from_errno("cannot listen on " + text + ": bind", errno);
    }
    if (listen(fd, SOMAXCONN) != 0) return Error::from_errno("cannot listen on " + text + ": listen", errno);
    if (auto added = poller_.add(fd, true, false); !added) return added.error();
  }
  if (pipe(wake_) != 0) return Error::from_errno("pipe", errno);
  for (int fd : wake_) {
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    fcntl(fd, F_SETFD, FD_CLOEXEC);
  }
  if (auto added = poller_.add(wake_[0], true, false); !added) return added.error();
  const int max = server_.config_.max_requests;
  max_workers_ = max > 0 ? max + 4 : 64;
  // Connections may take the descriptors the process has, less a reserve for what the scrapes
  // open (netlink and ethtool sockets, procfs files, namespace handles: a few per scrape) and for
  // the threads' start-up. Past that, waiting connections make room (accept_all).
  rlimit limit{};
  const rlim_t available = getrlimit(RLIMIT_NOFILE, &limit) == 0 ? limit.rlim_cur : 1024;
  const rlim_t reserve = std::min<rlim_t>(available / 2, 64 + 4 * static_cast<rlim_t>(max_workers_));
  max_connections_ = static_cast<std::size_t>(available - reserve);
  return ok_status();
}

std::vector<std::string> HttpServer::Loop::bound_addresses() const {
  std::vector<std::string> out;
  for (int fd : listeners_) {
    sockaddr_storage address{};
    socklen_t length = sizeof address;
    if (getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0) {
      out.push_back(address_text(reinterpret_cast<const sockaddr*>(&address)));
    }
  }
  return out;
}

void HttpServer::Loop::stop() {
  if (!thread_.joinable()) return;
  stopping_ = true;
  const char byte = 0;
  (void)!write(wake_[1], &byte, 1);
  thread_.join();
  {
    std::lock_guard lock(mu_);
    workers_stop_ = true;
  }
  work_ready_.notify_all();
  for (auto& t : workers_) t.join();
  workers_.clear();
  for (const auto& c : orphans_) close(c->fd);  // their SSL objects go with them
  orphans_.clear();
}

void HttpServer::Loop::run() {
  std::vector<Poller::Event> events;
  auto next_tick = Clock::now();
  Clock::time_point stop_deadline{};
  for (;;) {
    if (stopping_) {
      if (stop_deadline == Clock::time_point{}) {
        stop_deadline = Clock::now() + kStopGrace;
        for (int fd : listeners_) {
          poller_.remove(fd);
          close(fd);
        }
        listeners_.clear();
      }
      // Connections waiting for a request are closed; those with a request in hand finish.
      std::vector<int> idle;
      for (const auto& [fd, c] : connections_) {
        if (c->state == Connection::State::handshake || c->state == Connection::State::reading ||
            c->state == Connection::State::lingering) {
          idle.push_back(fd);
        }
      }
      for (int fd : idle) close_connection(fd);
      if (connections_.empty() || Clock::now() > stop_deadline) break;
    }
    if (auto waited = poller_.wait(events, kTickMs); !waited) {
      log::error("http: waiting for events failed", {{"err", waited.error().text()}});
      std::this_thread::sleep_for(std::chrono::milliseconds(kTickMs));
    }
    // First the responses workers wrote themselves without waking the loop: their connections
    // must be back in the reading state before this round's events for them (the next request).
    take_responses();
    for (const auto& e : events) {
      if (e.fd == wake_[0]) {
        char drain[256];
        while (read(wake_[0], drain, sizeof drain) > 0) {
        }
        continue;
      }
      if (std::find(listeners_.begin(), listeners_.end(), e.fd) != listeners_.end()) {
        accept_all(e.fd);
        continue;
      }
      const auto found = connections_.find(e.fd);
      if (found != connections_.end()) on_event(*found->second, e.readable, e.writable);
    }
    take_responses();
    if (Clock::now() >= next_tick) {
      next_tick = Clock::now() + std::chrono::milliseconds(kTickMs);
      check_deadlines();
    }
  }
  for (auto it = connections_.begin(); it != connections_.end();) {
    if (it->second->state == Connection::State::processing) {
      orphans_.push_back(std::move(it->second));  // a worker may still write to it: stop() closes it
      it = connections_.erase(it);
    } else {
      ++it;
    }
  }
  std::vector<int> rest;
  for (const auto& [fd, c] : connections_) rest.push_back(fd);
  for (int fd : rest) close_connection(fd);
}

bool HttpServer::Loop::make_room(const char* why) {
  // The connection stays in the kernel's backlog, so the listener stays readable: make room by
  // closing the connection that has waited longest for a request, or else stop accepting for a
  // tick, instead of spinning on accept.
  if (!descriptor_shortage_logged_) {
    descriptor_shortage_logged_ = true;
    log::warn("http: open file limit reached; closing the connections that have waited longest for a request "
              "(logged once)",
              {{"reason", why}, {"open_connections", std::to_string(connections_.size())},
               {"max_connections", std::to_string(max_connections_)}});
  }
  if (evict_oldest_waiting()) return true;
  accepting_ = false;
  resume_accepting_ = Clock::now() + std::chrono::milliseconds(kTickMs);
  for (int l : listeners_) (void)poller_.watch(l, false, false);
  return false;
}

void HttpServer::Loop::accept_all(int listener) {
  for (int accepted = 0; accepted < 256 && accepting_; ++accepted) {
    if (connections_.size() >= max_connections_ && !make_room("connections reached the limit less the reserve")) {
      return;
    }
    sockaddr_storage peer{};
    socklen_t length = sizeof peer;
    const int fd = accept4(listener, reinterpret_cast<sockaddr*>(&peer), &length, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
        if (make_room(std::strerror(errno))) continue;
      }
      return;  // EAGAIN: the backlog is empty
    }
    const int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    auto c = std::make_unique<Connection>();
    c->fd = fd;
    c->id = next_id_++;
    c->waiting_since = Clock::now();
    // A new connection is expected to send its request (or ClientHello) at once.
    c->deadline = c->waiting_since + kRequestTimeout;
    if (ssl_ctx_) {
      c->ssl.reset(SSL_new(ssl_ctx_));
      if (!c->ssl || SSL_set_fd(c->ssl.get(), fd) != 1) {
        ERR_clear_error();
        close(fd);
        continue;
      }
      SSL_set_accept_state(c->ssl.get());
      // Partial writes and a moving buffer: responses go out as the socket takes them; idle
      // connections give their TLS buffers back.
      SSL_set_mode(c->ssl.get(),
                   SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER | SSL_MODE_RELEASE_BUFFERS);
      c->state = Connection::State::handshake;
    }
    if (!poller_.add(fd, true, false)) {
      close(fd);
      continue;
    }
    c->registered = true;
    c->watch_read = true;
    connections_.emplace(fd, std::move(c));
  }
}

bool HttpServer::Loop::evict_oldest_waiting() {
  Connection* oldest = nullptr;
  for (const auto& [fd, c] : connections_) {
    const bool waiting = c->state == Connection::State::handshake || c->state == Connection::State::reading ||
                         c->state == Connection::State::lingering;
    if (waiting && (!oldest || c->waiting_since < oldest->waiting_since)) oldest = c.get();
  }
  if (!oldest) return false;
  close_connection(oldest->fd);
  return true;
}

void HttpServer::Loop::watch(Connection& c, bool read, bool write) {
  if (!c.registered) {
    c.registered = static_cast<bool>(poller_.add(c.fd, read, write));
  } else if (read != c.watch_read || write != c.watch_write) {
    (void)poller_.watch(c.fd, read, write);
  }
  c.watch_read = read;
  c.watch_write = write;
}

void HttpServer::Loop::close_connection(int fd) {
  const auto found = connections_.find(fd);
  if (found == connections_.end()) return;
  Connection& c = *found->second;
  if (c.registered) poller_.remove(fd);
  if (c.ssl && c.state != Connection::State::handshake) {
    SSL_shutdown(c.ssl.get());  // one try at close_notify; the socket is non-blocking
    ERR_clear_error();
  }
  close(fd);
  connections_.erase(found);  // releases the SSL and any --web.max-requests slot
}

void HttpServer::Loop::on_event(Connection& c, bool readable, bool writable) {
  switch (c.state) {
    case Connection::State::handshake: handshake(c); break;
    case Connection::State::reading:  // writable too: OpenSSL may need to write to read
      if (readable || writable) read_request(c);
      break;
    case Connection::State::writing:
      if (readable || writable) flush(c);
      break;
    case Connection::State::processing: break;  // not registered while a worker has it
    case Connection::State::lingering:
      if (readable) drain(c);
      break;
  }
}

void HttpServer::Loop::handshake(Connection& c) {
  c.request_started = true;
  ERR_clear_error();
  const int r = SSL_do_handshake(c.ssl.get());
  if (r == 1) {
    c.state = Connection::State::reading;
    c.request_started = false;
    c.waiting_since = Clock::now();
    c.deadline = c.waiting_since + kRequestTimeout;
    watch(c, true, false);
    read_request(c);  // the request may have come with the handshake's last flight
    return;
  }
  const int error = SSL_get_error(c.ssl.get(), r);
  ERR_clear_error();
  if (error == SSL_ERROR_WANT_READ) return watch(c, true, false);
  if (error == SSL_ERROR_WANT_WRITE) return watch(c, false, true);
  log::debug("http: TLS handshake failed", {{"error", std::to_string(error)}});
  close_connection(c.fd);
}

void HttpServer::Loop::read_request(Connection& c) {
  const int fd = c.fd;
  char buffer[16384];
  // Read what is there, but no further than one byte past the head limit: the parser rejects
  // an over-long head, and a client cannot make the server buffer more.
  while (!c.peer_closed && c.in.size() <= kMaxRequestHead) {
    std::size_t n = 0;
    if (c.ssl) {
      ERR_clear_error();
      const int r = SSL_read_ex(c.ssl.get(), buffer, sizeof buffer, &n);
      if (r != 1) {
        const int error = SSL_get_error(c.ssl.get(), 0);
        ERR_clear_error();
        if (error == SSL_ERROR_WANT_READ) {
          watch(c, true, false);
          break;
        }
        if (error == SSL_ERROR_WANT_WRITE) {
          watch(c, false, true);
          break;
        }
        c.peer_closed = true;  // close_notify, a reset, or a TLS error
        break;
      }
    } else {
      const ssize_t got = recv(fd, buffer, sizeof buffer, 0);
      if (got < 0 && errno == EINTR) continue;
      if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
      if (got <= 0) {
        c.peer_closed = true;
        break;
      }
      n = static_cast<std::size_t>(got);
    }
    c.in.append(buffer, n);
  }
  parse_buffered(c);
}

void HttpServer::Loop::parse_buffered(Connection& c) {
  if (!c.in.empty() && !c.request_started) {
    c.request_started = true;
    c.waiting_since = Clock::now();
    c.deadline = c.waiting_since + kRequestTimeout;
  }
  if (c.in.empty()) {
    if (c.peer_closed) close_connection(c.fd);
    return;
  }
  HeadParse parsed = parse_request_head(c.in, kMaxRequestHead);
  if (parsed.status == HeadParse::Status::incomplete) {
    if (c.peer_closed) close_connection(c.fd);  // half a request and then EOF: nothing to answer
    return;
  }
  if (parsed.status == HeadParse::Status::invalid) {
    HttpResponse response;
    response.status = parsed.error_status;
    response.body = parsed.error + "\n";
    if (server_.security_) response.headers = server_.security_->headers();  // as handle() adds them
    c.in.clear();
    return respond(c, std::move(response), false, false);
  }
  c.in.erase(0, parsed.consumed);
  dispatch(c, std::move(parsed.request));
}

void HttpServer::Loop::dispatch(Connection& c, HttpRequest request) {
  c.state = Connection::State::processing;
  if (c.registered) {
    poller_.remove(c.fd);  // level-triggered hang-ups would otherwise be reported until the answer
    c.registered = false;
    c.watch_read = c.watch_write = false;
  }
  Job job;
  job.fd = c.fd;
  job.id = c.id;
  job.plain = !c.ssl;
  job.request = std::move(request);
  std::lock_guard lock(mu_);
  const bool spawn = static_cast<int>(jobs_.size()) >= idle_workers_ && static_cast<int>(workers_.size()) < max_workers_;
  jobs_.push_back(std::move(job));
  if (spawn) {
    try {
      workers_.emplace_back([this] { worker(); });
      return;
    } catch (const std::system_error& e) {
      // The job waits for a running worker (there is always one).
      log::debug("http: cannot start a worker thread", {{"err", e.what()}});
    }
  }
  work_ready_.notify_one();
}

void HttpServer::Loop::worker() {
  std::unique_lock lock(mu_);
  for (;;) {
    ++idle_workers_;
    work_ready_.wait(lock, [&] { return workers_stop_ || !jobs_.empty(); });
    --idle_workers_;
    if (jobs_.empty()) return;  // stopping
    Job job = std::move(jobs_.front());
    jobs_.pop_front();
    lock.unlock();
    try {
      job.response = server_.handle(job.request);
    } catch (const std::exception& e) {
      log::error("http: request handler failed", {{"err", e.what()}});
      job.response = text_response(500, "Internal server error.\n");
    }
    if (job.plain && keeps_alive(job.request, stopping_)) send_from_worker(job);
    lock.lock();
    // Back in the poller under the lock, so the loop sees the job no later than the fd's next
    // event (the next request), which is what wakes it.
    if (job.sent_all) job.in_poller = static_cast<bool>(poller_.add(job.fd, true, false));
    const bool wake = !job.in_poller;
    done_.push_back(std::move(job));
    if (wake) {
      const char byte = 0;
      (void)!write(wake_[1], &byte, 1);
    }
  }
}

// A response to a keep-alive request on a plain connection is written by the worker that made
// it: the loop would otherwise be woken for every response (a pipe write, a switch to the loop
// thread and back to epoll_wait), a fixed cost that weighs most on small scrapes. What the socket does not take
// at once (a slow reader, a large body) is left to the loop, as is any response that ends the
// connection. The loop does not touch a connection while a worker has it (state processing:
// not in the poller, never closed before the workers are joined), so the worker may write to
// its socket.
void HttpServer::Loop::send_from_worker(Job& job) {
  HttpResponse& response = job.response;
  server_.statuses_.record(response.status);  // before the bytes go out, as respond() does
  job.written_by_worker = true;
  job.head = response_head(response, true, job.request.minor_version == 0);
  if (response.head) response.body.clear();
  const std::size_t total = job.head.size() + response.body.size();
  while (job.sent < total) {
    const ssize_t sent = send_rest(job.fd, job.head, response.body, job.sent);
    if (sent < 0 && errno == EINTR) continue;
    if (sent <= 0) return;  // full (the loop waits for room) or an error (the loop's write finds it)
    job.sent += static_cast<std::size_t>(sent);
  }
  job.sent_all = true;
  // The response is out: its memory and its --web.max-requests slot go now.
  response = HttpResponse{};
  job.head.clear();
  job.head.shrink_to_fit();
}

void HttpServer::Loop::take_responses() {
  std::vector<Job> done;
  {
    std::lock_guard lock(mu_);
    done.swap(done_);
  }
  for (auto& job : done) {
    const auto found = connections_.find(job.fd);
    if (found == connections_.end() || found->second->id != job.id) continue;
    Connection& c = *found->second;
    if (job.sent_all) {
      // Written by the worker, which also put the fd back in the poller, watched for reading
      // (or failed to: then finish_response adds it).
      c.registered = c.watch_read = job.in_poller;
      c.watch_write = false;
      c.close_after_write = false;
      finish_response(c);
      continue;
    }
    if (job.written_by_worker) {
      // The worker wrote part (or none) of a keep-alive response: the loop writes the rest.
      start_writing(c, std::move(job.head), std::move(job.response), true, job.sent);
      continue;
    }
    const bool keep_alive = keeps_alive(job.request, stopping_);
    if (job.request.has_body) c.in.clear();  // the body was never read: the connection ends here
    respond(c, std::move(job.response), keep_alive, job.request.minor_version == 0);
  }
}

void HttpServer::Loop::respond(Connection& c, HttpResponse response, bool keep_alive, bool http10) {
  server_.statuses_.record(response.status);
  std::string head = response_head(response, keep_alive, http10);
  start_writing(c, std::move(head), std::move(response), keep_alive, 0);
}

void HttpServer::Loop::start_writing(Connection& c, std::string head, HttpResponse response, bool keep_alive,
                                     std::size_t sent) {
  c.out_head = std::move(head);
  c.out_body = response.head ? std::string() : std::move(response.body);
  c.out_at = sent;
  c.slot = std::move(response.slot);
  c.close_after_write = !keep_alive;
  c.state = Connection::State::writing;
  c.deadline = Clock::now() + kWriteTimeout;
  flush(c);
}

void HttpServer::Loop::flush(Connection& c) {
  const std::size_t total = c.out_head.size() + c.out_body.size();
  while (c.out_at < total) {
    std::size_t n = 0;
    if (c.ssl) {
      const bool in_head = c.out_at < c.out_head.size();
      const char* data = in_head ? c.out_head.data() + c.out_at : c.out_body.data() + (c.out_at - c.out_head.size());
      const std::size_t left = in_head ? c.out_head.size() - c.out_at : total - c.out_at;
      ERR_clear_error();
      const int r = SSL_write_ex(c.ssl.get(), data, left, &n);
      if (r != 1) {
        const int error = SSL_get_error(c.ssl.get(), 0);
        ERR_clear_error();
        if (error == SSL_ERROR_WANT_WRITE) return watch(c, false, true);
        if (error == SSL_ERROR_WANT_READ) return watch(c, true, false);
        return close_connection(c.fd);
      }
    } else {
      const ssize_t sent = send_rest(c.fd, c.out_head, c.out_body, c.out_at);
      if (sent < 0 && errno == EINTR) continue;
      if (sent < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return watch(c, false, true);
      if (sent <= 0) return close_connection(c.fd);
      n = static_cast<std::size_t>(sent);
    }
    c.out_at += n;
  }
  finish_response(c);
}

void HttpServer::Loop::finish_response(Connection& c) {
  c.slot.reset();
  c.out_head.clear();
  c.out_head.shrink_to_fit();
  c.out_body.clear();
  c.out_body.shrink_to_fit();
  if (c.close_after_write && !c.ssl && !stopping_) {
    // Closing a socket with unread bytes (a body, a pipelined request, the rest of an over-long
    // head) makes the kernel send a reset, which can destroy the response before the client has
    // read it. Send our FIN and drain what still comes for a moment, as HTTP servers do.
    shutdown(c.fd, SHUT_WR);
    c.state = Connection::State::lingering;
    c.deadline = Clock::now() + kLingerTimeout;
    watch(c, true, false);
    return drain(c);
  }
  if (c.close_after_write || stopping_) return close_connection(c.fd);
  c.state = Connection::State::reading;
  c.request_started = false;
  c.waiting_since = Clock::now();
  c.deadline = c.waiting_since + kIdleTimeout;
  watch(c, true, false);
  // A pipelined request may already be buffered (here or inside OpenSSL).
  if (!c.in.empty() || (c.ssl && SSL_pending(c.ssl.get()) > 0)) read_request(c);
}

void HttpServer::Loop::drain(Connection& c) {
  char buffer[16384];
  for (int reads = 0; reads < 16; ++reads) {  // a fast sender gets its turn again at the next event
    const ssize_t got = recv(c.fd, buffer, sizeof buffer, 0);
    if (got > 0 || (got < 0 && errno == EINTR)) continue;
    if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
    return close_connection(c.fd);  // EOF or an error: the client has read what it wanted
  }
}

void HttpServer::Loop::check_deadlines() {
  const auto now = Clock::now();
  if (!accepting_ && now >= resume_accepting_ && !stopping_) {
    accepting_ = true;
    for (int l : listeners_) (void)poller_.watch(l, true, false);
  }
  std::vector<int> expired;
  for (const auto& [fd, c] : connections_) {
    if (c->state != Connection::State::processing && now >= c->deadline) expired.push_back(fd);
  }
  for (int fd : expired) close_connection(fd);
}

Result<std::unique_ptr<HttpServer>> HttpServer::start(const ServerConfig& config, Routes routes,
                                                      StatusCounter& statuses, std::shared_ptr<WebSecurity> security) {
  std::unique_ptr<HttpServer> server(new HttpServer(config, std::move(routes), statuses));
  server->security_ = std::move(security);
  auto poller = Poller::create();
  if (!poller) return poller.error();
  SSL_CTX* ssl_ctx = nullptr;
  if (server->security_ && server->security_->tls()) {
    // The web config's own context; each handshake then moves to the current one (SIGHUP).
    ssl_ctx = server->security_->acquire_front_context();
    if (!ssl_ctx) return Error::invalid("TLS", "no server context");
  }
  server->loop_ = std::make_unique<Loop>(*server, std::move(*poller));
  if (auto opened = server->loop_->open(config.listen_addresses, ssl_ctx); !opened) return opened.error();
  server->loop_->start_thread();
  return server;
}

HttpServer::HttpServer(const ServerConfig& config, Routes routes, StatusCounter& statuses)
    : config_(config), routes_(std::move(routes)), statuses_(statuses) {}

HttpServer::~HttpServer() { stop(); }

void HttpServer::stop() {
  if (loop_) loop_->stop();
}

std::vector<std::string> HttpServer::bound_addresses() const { return loop_->bound_addresses(); }

}  // namespace ifmib::server
