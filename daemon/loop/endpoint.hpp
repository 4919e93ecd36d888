// UDP endpoints over IPv4 or IPv6 ("127.0.0.1:5525", "[::1]:5525", "host:5525") and a small
// RAII socket.
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <variant>

namespace clocksim::daemon {

// An IPv4 or IPv6 socket address, as the kernel takes and gives it.
class SocketAddress {
 public:
  SocketAddress() = default;
  // From what recvfrom() filled in: nullopt unless it is AF_INET or AF_INET6.
  static std::optional<SocketAddress> from(const sockaddr_storage& storage, socklen_t length);

  int family() const { return storage_.ss_family; }  // AF_INET, AF_INET6, or AF_UNSPEC when empty
  const sockaddr* get() const { return reinterpret_cast<const sockaddr*>(&storage_); }
  socklen_t size() const { return length_; }
  std::uint16_t port() const;
  void set_port(std::uint16_t port);
  // 127.0.0.0/8, ::1, or an IPv4-mapped 127.0.0.0/8.
  bool is_loopback() const;
  // ::ffff:a.b.c.d
  bool is_ipv4_mapped() const;
  // The IPv4 address an IPv4-mapped one stands for (same port); any other address unchanged.
  SocketAddress unmapped() const;
  // The address's first four octets as an NTP reference id: the IPv4 address itself (also when
  // written IPv4-mapped), or for IPv6 the first four octets of the MD5 digest of the address
  // (RFC 5905, section 7.3).
  std::uint32_t ntp_reference_id() const;
  // "127.0.0.1:5525" or "[::1]:5525".
  std::string to_string() const;
  // The IPv6 wildcard `::`: a socket bound to it takes both IP versions (UdpSocket::bind_to).
  bool is_ipv6_any() const;
  // 0.0.0.0 or ::
  bool is_any() const;
  // An IPv4 address as its IPv4-mapped IPv6 form (same port); any other address unchanged.
  SocketAddress mapped_to_ipv6() const;
  // Whether sockets bound to this address and to `other` would need the same port: the same port
  // (not 0, which binds any free one) on the same address, or on a wildcard that covers the other
  // (0.0.0.0 covers IPv4; [::], bound dual stack, covers both versions).
  bool binds_same_port_as(const SocketAddress& other) const;

  // Same family, address, port (and IPv6 scope).
  friend bool operator==(const SocketAddress& a, const SocketAddress& b);

 private:
  sockaddr_storage storage_{};
  socklen_t length_ = 0;
};

struct Endpoint {
  SocketAddress addr;
  std::string text;  // as configured, for logs
};

// Resolves "host:port": host is a dotted quad, a bracketed IPv6 address ("[::1]", "[fe80::1%eth0]")
// or a name (its IPv4 address when it has one, else its IPv6 one); port 0..65535. A bare IPv6
// address is refused (its last group would read as the port). Returns an error message naming the
// text when it cannot.
std::variant<Endpoint, std::string> parse_endpoint(const std::string& text);
// An address to bind a socket to: as parse_endpoint, and not an IPv4-mapped IPv6 address
// ([::ffff:a.b.c.d]:PORT). A specific IPv6 address is bound IPv6 only (UdpSocket::bind_to), and
// Linux refuses an IPv4-mapped address on such a socket (EINVAL), so the error names the IPv4 form
// that binds the same address. Every bind address goes through here, so that --check-config and
// the daemon's bind agree.
std::variant<Endpoint, std::string> parse_bind_address(const std::string& text);
// An address to send to: as parse_endpoint, and a port other than 0 (which only a socket being
// bound can take, for "any free port").
std::variant<Endpoint, std::string> parse_destination(const std::string& text);

// `remote` as a socket bound to `local` addresses it, or an error naming both. A socket bound to
// an IPv4 address or to a specific IPv6 one speaks that version only; one bound to the IPv6
// wildcard `[::]` speaks both (dual stack, IPV6_V6ONLY off), and reaches an IPv4 address as the
// IPv4-mapped IPv6 address `::ffff:a.b.c.d`, the form in which that peer's datagrams arrive too.
std::variant<Endpoint, std::string> reachable_from(const Endpoint& local, const Endpoint& remote);

// The local address the kernel sends from to reach `remote` (a connected UDP socket's own address;
// nothing is sent), or nullopt when it cannot say (no route).
std::optional<SocketAddress> local_address_toward(const SocketAddress& remote);

class UdpSocket {
 public:
  UdpSocket() = default;
  ~UdpSocket();
  UdpSocket(UdpSocket&& o) noexcept : fd_(o.fd_) { o.fd_ = -1; }
  UdpSocket& operator=(UdpSocket&& o) noexcept;
  UdpSocket(const UdpSocket&) = delete;
  UdpSocket& operator=(const UdpSocket&) = delete;

  // A non-blocking socket bound to `at` (port 0: the kernel picks one), or an error message. An
  // IPv6 socket is IPv6 only: "[::]:5525" does not also take IPv4 traffic.
  static std::variant<UdpSocket, std::string> bind_to(const Endpoint& at);
  // An unbound non-blocking socket of `family` (clients).
  static std::variant<UdpSocket, std::string> unbound(int family = AF_INET);

  int fd() const { return fd_; }
  std::uint16_t local_port() const;
  bool send_to(std::span<const std::uint8_t> bytes, const SocketAddress& to) const;
  // One datagram from the socket: its length (which may exceed `buffer`: MSG_TRUNC) and where it
  // came from, or nullopt when none is queued.
  struct Received {
    std::size_t length;
    std::optional<SocketAddress> from;  // nullopt: not an IP address (cannot happen on UDP)
  };
  std::optional<Received> receive(std::span<std::uint8_t> buffer) const;

 private:
  explicit UdpSocket(int fd) : fd_(fd) {}
  int fd_ = -1;
};

}  // namespace clocksim::daemon
