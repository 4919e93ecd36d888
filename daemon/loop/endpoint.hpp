// UDP endpoints ("host:port", IPv4) and a small RAII socket.
#pragma once

#include <netinet/in.h>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <variant>

namespace clocksim::daemon {

struct Endpoint {
  sockaddr_in addr{};
  std::string text;  // as configured, for logs
};

// Resolves "host:port" (host: dotted quad or a name; port 0..65535). Returns an error message
// naming the text when it cannot.
std::variant<Endpoint, std::string> parse_endpoint(const std::string& text);
// An address to send to: as parse_endpoint, and a port other than 0 (which only a socket being
// bound can take, for "any free port").
std::variant<Endpoint, std::string> parse_destination(const std::string& text);
std::string endpoint_to_string(const sockaddr_in& addr);

class UdpSocket {
 public:
  UdpSocket() = default;
  ~UdpSocket();
  UdpSocket(UdpSocket&& o) noexcept : fd_(o.fd_) { o.fd_ = -1; }
  UdpSocket& operator=(UdpSocket&& o) noexcept;
  UdpSocket(const UdpSocket&) = delete;
  UdpSocket& operator=(const UdpSocket&) = delete;

  // A non-blocking socket bound to `at` (port 0: the kernel picks one), or an error message.
  static std::variant<UdpSocket, std::string> bind_to(const Endpoint& at);
  // An unbound non-blocking socket (clients).
  static std::variant<UdpSocket, std::string> unbound();

  int fd() const { return fd_; }
  std::uint16_t local_port() const;
  bool send_to(std::span<const std::uint8_t> bytes, const sockaddr_in& to) const;

 private:
  explicit UdpSocket(int fd) : fd_(fd) {}
  int fd_ = -1;
};

}  // namespace clocksim::daemon
