#include "daemon/loop/daemon_loop.hpp"

#include <sys/un.h>

#include <poll.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <system_error>

#include "daemon/loop/status_pages.hpp"
#include "daemon/version/code_identity.hpp"
#include "node/loop/json_text.hpp"

namespace clocksim::daemon {

namespace {
// Larger than any valid packet, so that an oversized datagram is seen whole (MSG_TRUNC reports
// the real length anyway).
constexpr std::size_t kReceiveBuffer = 2048;

}  // namespace

node::NodeLoopConfig node_loop_config(const LoopConfig& config) {
  auto ids = std::make_shared<std::vector<NodeId>>();
  ids->push_back(config.self);
  for (const auto& p : config.peers) ids->push_back(p.id);
  std::sort(ids->begin(), ids->end());
  ids->erase(std::unique(ids->begin(), ids->end()), ids->end());
  node::NodeLoopConfig c{config.self, std::move(ids), config.cluster, config.sync_kind, config.election_kind,
                         config.clock_limits};
  c.epoch = config.epoch;
  c.boot = config.boot;
  return c;
}

DaemonLoop::DaemonLoop(LoopConfig config, std::unique_ptr<Algorithm> algorithm, node::Clock& clock,
                       const node::wire::Keyring* keys, node::Logger& log, node::StableStore* stable)
    : config_(std::move(config)), clock_(clock), keys_(keys), log_(log) {
  node::NodeLoopConfig node_config = node_loop_config(config_);
  // Servers without ntp.listen are polled from a client-only port: a time daemon polls its
  // servers whether or not it serves.
  if (!config_.ntp_listen.empty() || !config_.ntp_servers.empty()) {
    std::vector<NtpServer> members;
    for (const auto& p : config_.peers) members.push_back(NtpServer{p.id, p.address});
    ntp_ = std::make_unique<NtpService>(config_.ntp_listen, config_.ntp_servers, clock_, log_, config_.self,
                                        std::move(members));
  }
  loop_ = std::make_unique<node::NodeLoop>(
      std::move(node_config), std::move(algorithm),
      node::NodeLoopHost{clock_, host_, *this, timers_, log_, nullptr, ntp_.get(),
                         config_.reference_clock_system ? static_cast<node::ReferenceSource*>(this) : nullptr, stable},
      keys_);
}

DaemonLoop::~DaemonLoop() {
  if (signal_fd_ >= 0) ::close(signal_fd_);
  if (stop_fd_ >= 0) ::close(stop_fd_);
}

std::optional<std::string> DaemonLoop::check() {
  auto listen = parse_bind_address(config_.listen);
  if (auto* e = std::get_if<std::string>(&listen)) return "listen: " + *e;
  // The config refuses these too; checked again here, where a member id among the NTP client
  // slots would do its harm, whoever built the LoopConfig.
  if (auto e = reserved_id_problem(config_.self)) return "this node's " + *e;
  peers_.clear();
  for (const auto& p : config_.peers) {
    if (auto e = reserved_id_problem(p.id)) return "peer " + *e;
    if (p.id == config_.self) return "peer " + std::to_string(p.id) + " has this node's own id";
    auto ep = parse_destination(p.address);
    if (auto* e = std::get_if<std::string>(&ep)) return "peer " + std::to_string(p.id) + ": " + *e;
    auto reached = reachable_from(std::get<Endpoint>(listen), std::get<Endpoint>(ep));
    if (auto* e = std::get_if<std::string>(&reached)) return "peer " + std::to_string(p.id) + ": " + *e;
    if (!peers_.emplace(p.id, std::get<Endpoint>(reached)).second) return "peer " + std::to_string(p.id) + " listed twice";
  }
  if (keys_) {
    // Pointed at where the peer is written: the key file has no place for a key it lacks.
    if (auto why = peer_without_key(*keys_, "the key file", /*at_peer=*/true)) return why;
  }
  // Two of its own sockets on one address and port: the second bind would fail, after the first.
  // Compared as resolved, so localhost and 127.0.0.1 are one address.
  const std::pair<const char*, const std::string*> bound[] = {
      {"listen", &config_.listen}, {"status", &config_.status}, {"ntp.listen", &config_.ntp_listen}};
  for (std::size_t i = 0; i < std::size(bound); ++i) {
    for (std::size_t j = i + 1; j < std::size(bound); ++j) {
      if (bound[i].second->empty() || bound[j].second->empty()) continue;
      auto first = parse_endpoint(*bound[i].second);
      auto second = parse_endpoint(*bound[j].second);
      // An address that does not parse is reported where it is bound.
      if (!std::holds_alternative<Endpoint>(first) || !std::holds_alternative<Endpoint>(second)) continue;
      if (std::get<Endpoint>(first).addr.binds_same_port_as(std::get<Endpoint>(second).addr)) {
        return std::string(bound[j].first) + " " + *bound[j].second + " is the address of `" + bound[i].first + "` (" +
               *bound[i].second + "); give it a port of its own";
      }
    }
  }
  if (config_.control.size() >= sizeof(sockaddr_un{}.sun_path)) {
    return config_.control_origin + "control socket path is too long (at most " +
           std::to_string(sizeof(sockaddr_un{}.sun_path) - 1) + " bytes): " + config_.control;
  }
  if (!config_.control.empty()) {
    if (auto e = ControlSocket::path_problem(config_.control)) return config_.control_origin + *e;
  }
  return std::nullopt;
}

std::optional<std::string> DaemonLoop::open() {
  if (auto e = check()) return e;
  auto listen = parse_bind_address(config_.listen);
  auto data = UdpSocket::bind_to(std::get<Endpoint>(listen));
  if (auto* e = std::get_if<std::string>(&data)) return "listen: " + *e;
  data_socket_ = std::move(std::get<UdpSocket>(data));
  if (auto e = control_.open({config_.control, config_.status, config_.allow_remote_status})) return e;
  if (ntp_) {
    if (auto e = ntp_->open()) return e;
  }
  stop_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (stop_fd_ < 0) return std::string("eventfd: ") + std::strerror(errno);
  return std::nullopt;
}

std::optional<std::string> DaemonLoop::watch_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGHUP);
  signal_fd_ = ::signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
  if (signal_fd_ < 0) return std::string("signalfd: ") + std::strerror(errno);
  return std::nullopt;
}

std::optional<std::string> DaemonLoop::reload_keys() {
  auto refuse = [this](std::string why) {
    ++key_reloads_refused_;
    last_reload_error_ = why;
    log_.write("keys", {{"node", config_.self}, {"reload", "refused"}, {"error", why}, {"kept", signing_key_ids()}});
    return std::optional<std::string>(std::move(why));
  };
  if (keys_ == nullptr || !load_keys_) return refuse("this node runs without keys (--insecure): there are none to reload");
  auto loaded = load_keys_();
  if (auto* e = std::get_if<std::string>(&loaded)) return refuse(*e);
  auto keys = std::make_unique<node::wire::Keyring>(std::move(std::get<node::wire::Keyring>(loaded)));
  if (auto why = peer_without_key(*keys, "the new key file", /*at_peer=*/false)) return refuse(*why);
  keys_ = keys.get();
  loop_->replace_keys(keys_);
  reloaded_keys_ = std::move(keys);  // the previous reload's keys are no longer referred to
  ++key_reloads_;
  last_reload_error_.reset();
  log_.write("keys",
             {{"node", config_.self}, {"reload", "done"}, {"signing", signing_key_ids()}, {"accepted", accepted_key_ids()}});
  return std::nullopt;
}

std::optional<std::string> DaemonLoop::peer_without_key(const node::wire::Keyring& keys, const char* file,
                                                        bool at_peer) const {
  for (const auto& [id, address] : peers_) {
    if (keys.has_peer(id)) continue;
    std::string origin;
    if (at_peer) {
      for (const auto& p : config_.peers) {
        if (p.id == id) origin = p.origin;
      }
    }
    if (keys.accepted_key_ids(id).empty()) return origin + "peer " + std::to_string(id) + " has no key in " + file;
    return origin + "peer " + std::to_string(id) + " has only accept-only keys in " + file +
           ": none to sign with (clocksyncctl keygen --activate makes the newest one signing)";
  }
  return std::nullopt;
}

nlohmann::json DaemonLoop::accepted_key_ids() const {
  nlohmann::json ids = nlohmann::json::object();
  if (keys_ == nullptr) return ids;
  for (const auto& [id, address] : peers_) ids[std::to_string(id)] = keys_->accepted_key_ids(id);
  return ids;
}

nlohmann::json DaemonLoop::signing_key_ids() const {
  nlohmann::json ids = nlohmann::json::object();
  if (keys_ == nullptr) return ids;
  for (const auto& [id, address] : peers_) {
    const auto k = keys_->signing_key(id);
    ids[std::to_string(id)] = k ? nlohmann::json(k->first) : nlohmann::json(nullptr);
  }
  return ids;
}

void DaemonLoop::request_stop() {
  const std::uint64_t one = 1;
  if (stop_fd_ >= 0) {
    [[maybe_unused]] const ssize_t n = ::write(stop_fd_, &one, sizeof one);
  }
}

int DaemonLoop::poll_timeout_ms() {
  const auto next = timers_.next_deadline();
  if (!next) return -1;
  const std::int64_t wait_ns = (*next - host_.monotonic_now()).ns();
  if (wait_ns <= 0) return 0;
  // Round up: waking early would only make us sleep again for the remainder.
  const std::int64_t ms = (wait_ns + 999'999) / 1'000'000;
  return static_cast<int>(std::min<std::int64_t>(ms, std::numeric_limits<int>::max()));
}

void DaemonLoop::run() {
  log_.write("start", {{"node", config_.self},
                       {"listen", config_.listen},
                       {"listen_port", listen_port()},
                       {"status_port", status_port()},
                       {"control", config_.control},
                       {"peers", peers_.size()},
                       {"clock", clock_.backend()},
                       {"auth", keys_ ? "hmac-sha256" : "none"},
                       {"sync", config_.sync_kind},
                       {"election", config_.election_kind}});
  loop_->start();
  while (!stopping_) {
    // Stop and signal first, then the cluster socket, then the control sockets (absent: fd -1,
    // which poll ignores).
    pollfd fds[6] = {{stop_fd_, POLLIN, 0},
                     {signal_fd_, POLLIN, 0},
                     {data_socket_.fd(), POLLIN, 0},
                     {control_.unix_fd(), POLLIN, 0},
                     {control_.udp_fd(), POLLIN, 0},
                     {ntp_ ? ntp_->fd() : -1, POLLIN, 0}};
    const int rc = ::poll(fds, 6, poll_timeout_ms());
    if (rc < 0 && errno != EINTR) throw std::system_error(errno, std::generic_category(), "poll");
    if (rc > 0) {
      if ((fds[0].revents & POLLIN) || (fds[1].revents & POLLIN)) {
        if (fds[1].revents & POLLIN) {
          signalfd_siginfo info{};
          const ssize_t n = ::read(signal_fd_, &info, sizeof info);
          if (n == static_cast<ssize_t>(sizeof info) && info.ssi_signo == SIGHUP) {
            reload_keys();  // logged and counted there; the loop goes on either way
            continue;
          }
          log_.write("signal", {{"node", config_.self}, {"signo", info.ssi_signo}});
        }
        stopping_ = true;
        break;
      }
      if (fds[2].revents & POLLIN) receive_datagrams();
      for (int i : {3, 4}) {
        if (fds[i].revents & POLLIN) {
          control_.serve(fds[i].fd, [this](std::size_t peers_from, std::size_t max_bytes) {
            loop_->count_status_query();
            return status_page(status_json(), peers_from, max_bytes);
          }, host_.monotonic_now());
        }
      }
      if (fds[5].revents & POLLIN) {
        ntp_->receive([this](NodeId from, const Message& m) { loop_->on_foreign_message(from, m); });
      }
    }
    fire_due_timers();
  }
  loop_->shutdown();
  const Counters& c = loop_->counters();
  log_.write("stop", {{"node", config_.self}, {"packets_in", c.packets_in}, {"packets_out", c.packets_out},
                      {"dropped", c.dropped_total()}});
}

void DaemonLoop::receive_datagrams() {
  std::array<std::uint8_t, kReceiveBuffer> buf{};
  // Drain what is queued, but bounded so timers and signals are not starved by a flood.
  for (int i = 0; i < 256; ++i) {
    // Where a datagram comes from decides nothing: its MAC says who sent it.
    const auto got = data_socket_.receive(buf);
    if (!got) return;  // EAGAIN: drained
    if (got->length > buf.size()) {
      loop_->on_oversized_datagram();
      continue;
    }
    loop_->on_datagram({buf.data(), got->length});
  }
}

void DaemonLoop::fire_due_timers() {
  for (int fired = 0;; ++fired) {
    if (fired >= config_.max_timers_per_turn) {
      // Still due ones wait: poll() returns at once (timeout 0) after serving sockets and signals.
      if (timers_.next_deadline() && *timers_.next_deadline() <= host_.monotonic_now()) ++timer_turns_capped_;
      return;
    }
    const auto id = timers_.pop_due(host_.monotonic_now());
    if (!id) return;
    loop_->on_timer(*id);
  }
}

bool DaemonLoop::send_datagram(NodeId to, std::span<const std::uint8_t> bytes, const Message&) {
  const auto it = peers_.find(to);
  if (it == peers_.end()) return false;
  return data_socket_.send_to(bytes, it->second.addr);
}

ReferenceReading DaemonLoop::read(LocalTime local_now) {
  ReferenceReading r;
  r.reference_ns = host_.wall_now().ns();
  r.local = local_now;
  return r;
}

nlohmann::json DaemonLoop::status_json() {
  nlohmann::json peers = nlohmann::json::array();
  for (const auto& [id, ep] : peers_) peers.push_back({{"id", id}, {"address", ep.text}});
  nlohmann::json s = loop_->status_json(std::move(peers));
  s["counters"]["timer_turns_capped"] = timer_turns_capped_;
  s["counters"]["log_lines_suppressed"] = log_.suppressed_total();
  s["counters"]["log_lines_unwritten"] = log_.unwritten_total();
  const ControlCounters& status = control_.counters();
  s["counters"]["status_refused"] =
      status.too_small + status.rate_limited_source + status.rate_limited_overall + status.too_large;
  s["counters"]["status_rate_limited_source"] = status.rate_limited_source;
  s["counters"]["status_rate_limited_overall"] = status.rate_limited_overall;
  s["counters"]["status_send_failed"] = control_.counters().send_failed;
  s["ntp"] = ntp_ ? ntp_->status_json() : nlohmann::json(nullptr);
  // The running process's build, which after an upgrade is not the binary's on disk until restart.
  s["build"] = {{"release", release_version()}, {"code", code_identity()}};
  s["keys"] = keys_ == nullptr ? nlohmann::json(nullptr)
                               : nlohmann::json{{"signing_key_ids", signing_key_ids()},
                                                {"accepted_key_ids", accepted_key_ids()},
                                                {"reloads", key_reloads_},
                                                {"reloads_refused", key_reloads_refused_},
                                                {"last_reload_error", last_reload_error_ ? nlohmann::json(*last_reload_error_)
                                                                                          : nlohmann::json(nullptr)}};
  return s;
}

}  // namespace clocksim::daemon
