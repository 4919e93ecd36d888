#include "daemon/loop/daemon_loop.hpp"

#include <poll.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <system_error>

namespace clocksim::daemon {

namespace {
// Larger than any valid packet, so that an oversized datagram is seen whole (MSG_TRUNC reports
// the real length anyway).
constexpr std::size_t kReceiveBuffer = 2048;

nlohmann::json node_or_null(NodeId id) {
  if (id == kNoNode) return nullptr;
  return id;
}
}  // namespace

std::uint64_t Counters::dropped_total() const {
  std::uint64_t sum = 0;
  for (auto d : dropped) sum += d;
  return sum;
}

DaemonLoop::DaemonLoop(LoopConfig config, std::unique_ptr<Algorithm> algorithm, Clock& clock,
                       const wire::ClusterKey* key, Logger& log)
    : config_(std::move(config)), algorithm_(std::move(algorithm)), clock_(clock), key_(key), log_(log) {
  // Per-sender sequence numbers start at the wall clock in ns, so that a restarted daemon starts
  // above everything its peers' replay windows have seen from its previous life.
  next_sender_seq_ = static_cast<std::uint64_t>(host_.realtime_ns());
  started_mono_ns_ = host_.monotonic_ns();
}

DaemonLoop::~DaemonLoop() {
  if (signal_fd_ >= 0) ::close(signal_fd_);
  if (stop_fd_ >= 0) ::close(stop_fd_);
}

std::optional<std::string> DaemonLoop::open() {
  auto listen = parse_endpoint(config_.listen);
  if (auto* e = std::get_if<std::string>(&listen)) return "listen: " + *e;
  auto status = parse_endpoint(config_.status);
  if (auto* e = std::get_if<std::string>(&status)) return "status: " + *e;
  for (const auto& p : config_.peers) {
    if (p.id == config_.self) return "peer " + std::to_string(p.id) + " has this node's own id";
    auto ep = parse_endpoint(p.address);
    if (auto* e = std::get_if<std::string>(&ep)) return "peer " + std::to_string(p.id) + ": " + *e;
    if (!peers_.emplace(p.id, std::get<Endpoint>(ep)).second) return "peer " + std::to_string(p.id) + " listed twice";
  }
  auto data = UdpSocket::bind_to(std::get<Endpoint>(listen));
  if (auto* e = std::get_if<std::string>(&data)) return "listen: " + *e;
  data_socket_ = std::move(std::get<UdpSocket>(data));
  auto stat = UdpSocket::bind_to(std::get<Endpoint>(status));
  if (auto* e = std::get_if<std::string>(&stat)) return "status: " + *e;
  status_socket_ = std::move(std::get<UdpSocket>(stat));
  stop_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (stop_fd_ < 0) return std::string("eventfd: ") + std::strerror(errno);
  return std::nullopt;
}

std::optional<std::string> DaemonLoop::watch_termination_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  signal_fd_ = ::signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
  if (signal_fd_ < 0) return std::string("signalfd: ") + std::strerror(errno);
  return std::nullopt;
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
  const std::int64_t wait_ns = *next - host_.monotonic_ns();
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
                       {"peers", peers_.size()},
                       {"clock", clock_.backend()},
                       {"auth", key_ ? "hmac-sha256" : "none"},
                       {"sync", config_.sync_kind},
                       {"election", config_.election_kind}});
  dispatch_start();
  std::array<std::uint8_t, kReceiveBuffer> buf{};
  while (!stopping_) {
    pollfd fds[4] = {{data_socket_.fd(), POLLIN, 0}, {status_socket_.fd(), POLLIN, 0}, {stop_fd_, POLLIN, 0},
                     {signal_fd_, POLLIN, 0}};
    const nfds_t nfds = signal_fd_ >= 0 ? 4 : 3;
    const int rc = ::poll(fds, nfds, poll_timeout_ms());
    if (rc < 0 && errno != EINTR) throw std::system_error(errno, std::generic_category(), "poll");
    if (rc > 0) {
      if ((fds[2].revents & POLLIN) || (nfds == 4 && (fds[3].revents & POLLIN))) {
        if (nfds == 4 && (fds[3].revents & POLLIN)) {
          signalfd_siginfo info{};
          [[maybe_unused]] const ssize_t n = ::read(signal_fd_, &info, sizeof info);
          log_.write("signal", {{"node", config_.self}, {"signo", info.ssi_signo}});
        }
        stopping_ = true;
        break;
      }
      if (fds[0].revents & POLLIN) {
        // Drain what is queued, but bounded so timers and signals are not starved by a flood.
        for (int i = 0; i < 256; ++i) {
          sockaddr_in from{};
          socklen_t from_len = sizeof from;
          const ssize_t n = ::recvfrom(data_socket_.fd(), buf.data(), buf.size(), MSG_TRUNC,
                                       reinterpret_cast<sockaddr*>(&from), &from_len);
          if (n < 0) break;  // EAGAIN: drained
          ++counters_.packets_in;
          if (static_cast<std::size_t>(n) > buf.size()) {
            drop(wire::DropReason::kOversized);
            continue;
          }
          handle_datagram({buf.data(), static_cast<std::size_t>(n)});
        }
      }
      if (fds[1].revents & POLLIN) answer_status();
    }
    fire_due_timers();
  }
  fx_.clear();
  algorithm_->on_shutdown(clock_.now(), fx_);
  apply(fx_);
  after_dispatch();
  log_.write("stop", {{"node", config_.self}, {"packets_in", counters_.packets_in}, {"packets_out", counters_.packets_out},
                      {"dropped", counters_.dropped_total()}});
}

void DaemonLoop::dispatch_start() {
  fx_.clear();
  last_role_ = algorithm_->role();
  last_master_ = algorithm_->believed_master();
  algorithm_->on_start(clock_.now(), fx_);
  apply(fx_);
  after_dispatch();
}

void DaemonLoop::drop(wire::DropReason reason) {
  const auto count = ++counters_.dropped[static_cast<std::size_t>(reason)];
  // First of each reason, then every 1000th: an attacker cannot flood the log.
  if (count == 1 || count % 1000 == 0) {
    log_.write("drop", {{"node", config_.self}, {"reason", wire::drop_reason_name(reason)}, {"count", count}});
  }
}

void DaemonLoop::handle_datagram(std::span<const std::uint8_t> bytes) {
  const wire::DecodeResult r = wire::decode(bytes, config_.cluster, key_);
  if (!r.ok()) return drop(r.reason);
  const NodeId sender = r.packet->envelope.sender;
  if (sender == config_.self || peers_.count(sender) == 0) return drop(wire::DropReason::kUnknownSender);
  // Only now, with the MAC verified, may the packet move the sender's window.
  if (!replay_[sender].accept(r.packet->envelope.sender_seq)) return drop(wire::DropReason::kReplay);
  ++counters_.packets_accepted;
  fx_.clear();
  algorithm_->on_message(clock_.now(), sender, r.packet->message, fx_);
  apply(fx_);
  after_dispatch();
}

void DaemonLoop::fire_due_timers() {
  for (;;) {
    const auto id = timers_.pop_due(host_.monotonic_ns());
    if (!id) return;
    ++counters_.timers_fired;
    fx_.clear();
    algorithm_->on_timer(clock_.now(), *id, fx_);
    apply(fx_);
    after_dispatch();
  }
}

void DaemonLoop::apply(Effects& fx) {
  // Clock first: the sends below were computed from readings taken before the adjustment, as in
  // the simulator's node host, and timers are monotonic spans either way.
  for (const ClockEffect& c : fx.clock()) {
    try {
      apply_clock_effect(clock_, c);
      if (c.kind == ClockEffect::Kind::kSetRate) {
        ++counters_.rate_corrections;
      } else if (c.mode == AdjustMode::kStep) {
        ++counters_.clock_steps;
      } else {
        ++counters_.clock_slews;
      }
      log_.write("clock", {{"node", config_.self},
                           {"op", c.kind == ClockEffect::Kind::kSetRate ? "rate"
                                  : c.mode == AdjustMode::kStep        ? "step"
                                                                       : "slew"},
                           {"delta_ns", c.delta.ns()},
                           {"rate_ppm", c.rate_ppm},
                           {"offset_ns", clock_.offset_from_system().ns()}});
    } catch (const std::exception& e) {
      ++counters_.clock_errors;
      log_.write("clock_error", {{"node", config_.self}, {"error", e.what()}});
    }
  }
  const std::int64_t now_mono = host_.monotonic_ns();
  for (const TimerEffect& t : fx.timers()) {
    if (t.cancel) {
      timers_.cancel(t.id);
    } else {
      timers_.arm(t.id, now_mono + clock_.monotonic_span(t.after).ns());
    }
  }
  for (const SendEffect& s : fx.sends()) {
    if (s.to == kBroadcast) {
      for (const auto& [id, ep] : peers_) send_one(id, s.msg);
    } else {
      send_one(s.to, s.msg);
    }
  }
  for (const Note& n : fx.notes()) {
    nlohmann::json line = {{"node", config_.self}, {"local_ns", clock_.now().ns()}};
    line.update(note_fields(n));
    if (n.kind() == EventKind::kRoundComplete) {
      ++rounds_;
      last_round_ = nlohmann::json{{"local_ns", clock_.now().ns()}, {"number", rounds_}, {"text", line["text"]}};
    }
    log_.write("note", std::move(line));
  }
}

void DaemonLoop::send_one(NodeId to, const Message& msg) {
  const auto it = peers_.find(to);
  if (it == peers_.end()) {
    ++counters_.send_unknown_peer;
    return;
  }
  const wire::Envelope env{config_.cluster, config_.self, next_sender_seq_++};
  const wire::Packet p = wire::encode(env, msg, key_);
  if (data_socket_.send_to(p.view(), it->second.addr)) {
    ++counters_.packets_out;
  } else {
    ++counters_.send_errors;
  }
}

void DaemonLoop::after_dispatch() {
  const Role role = algorithm_->role();
  const NodeId master = algorithm_->believed_master();
  if (role == last_role_ && master == last_master_) return;
  ++counters_.role_changes;
  role_since_local_ns_ = clock_.now().ns();
  log_.write("role", {{"node", config_.self},
                      {"local_ns", *role_since_local_ns_},
                      {"from", role_name(last_role_)},
                      {"role", role_name(role)},
                      {"master", node_or_null(master)}});
  last_role_ = role;
  last_master_ = master;
}

nlohmann::json DaemonLoop::status_json() {
  nlohmann::json dropped = nlohmann::json::object();
  for (std::size_t i = 0; i < wire::kDropReasonCount; ++i) {
    dropped[std::string(wire::drop_reason_name(static_cast<wire::DropReason>(i)))] = counters_.dropped[i];
  }
  nlohmann::json peers = nlohmann::json::array();
  for (const auto& [id, ep] : peers_) peers.push_back({{"id", id}, {"address", ep.text}});
  return {
      {"id", config_.self},
      {"role", role_name(algorithm_->role())},
      {"believed_master", node_or_null(algorithm_->believed_master())},
      {"role_since_local_ns", role_since_local_ns_ ? nlohmann::json(*role_since_local_ns_) : nlohmann::json(nullptr)},
      {"sync", config_.sync_kind},
      {"election", config_.election_kind},
      {"cluster", config_.cluster},
      {"auth", key_ ? "hmac-sha256" : "none"},
      {"uptime_ms", (host_.monotonic_ns() - started_mono_ns_) / 1'000'000},
      {"clock",
       {{"backend", clock_.backend()},
        {"local_ns", clock_.now().ns()},
        {"offset_ns", clock_.offset_from_system().ns()},
        {"pending_slew_ns", clock_.pending_slew().ns()},
        {"rate_correction_ppm", clock_.rate_correction_ppm()}}},
      {"counters",
       {{"packets_in", counters_.packets_in},
        {"packets_accepted", counters_.packets_accepted},
        {"packets_out", counters_.packets_out},
        {"send_errors", counters_.send_errors},
        {"send_unknown_peer", counters_.send_unknown_peer},
        {"timers_fired", counters_.timers_fired},
        {"clock_steps", counters_.clock_steps},
        {"clock_slews", counters_.clock_slews},
        {"rate_corrections", counters_.rate_corrections},
        {"clock_errors", counters_.clock_errors},
        {"role_changes", counters_.role_changes},
        {"status_queries", counters_.status_queries},
        {"dropped_total", counters_.dropped_total()},
        {"dropped", dropped}}},
      {"rounds", rounds_},
      {"last_round", last_round_ ? *last_round_ : nlohmann::json(nullptr)},
      {"peers", peers},
  };
}

void DaemonLoop::answer_status() {
  std::array<std::uint8_t, 512> buf{};
  for (int i = 0; i < 64; ++i) {
    sockaddr_in from{};
    socklen_t from_len = sizeof from;
    const ssize_t n = ::recvfrom(status_socket_.fd(), buf.data(), buf.size(), 0,
                                 reinterpret_cast<sockaddr*>(&from), &from_len);
    if (n < 0) return;
    const std::string_view request(reinterpret_cast<const char*>(buf.data()), static_cast<std::size_t>(n));
    if (request.substr(0, 6) != "status") continue;  // anything else: no answer
    ++counters_.status_queries;
    const std::string body = status_json().dump();
    ::sendto(status_socket_.fd(), body.data(), body.size(), 0, reinterpret_cast<const sockaddr*>(&from), from_len);
  }
}

}  // namespace clocksim::daemon
