package dev.chatserver.security;

import io.netty.handler.ipfilter.IpFilterRuleType;
import io.netty.handler.ipfilter.IpSubnetFilterRule;
import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * Which peers are our reverse proxies, and so whose {@code X-Forwarded-For} header names the real client (config
 * {@code trustedProxies}, default none). Used for every client IP the server acts on: rate limits, bans by IP, the
 * sender IP stored with messages and uploads, security logs and the admin live view, over HTTP and in the Socket.IO
 * handshake.
 *
 * <p>Rule (the one of nginx's {@code real_ip_recursive on} and of RFC 7239's advice): when the TCP peer is not a
 * trusted proxy, the client is the peer and the header is ignored (anyone can send it). When it is, the hops of
 * {@code X-Forwarded-For} (all headers, comma separated, oldest first) are read from the right; trusted proxies are
 * skipped and the first untrusted address is the client. If every hop is trusted, the leftmost is the client. A hop
 * that is not an IP address (e.g. {@code unknown}, or garbage a client sent) stops the walk: the last trusted hop
 * before it is taken, never the unparsable text. Addresses are compared and returned in Java's canonical text form
 * ({@link InetAddress#getHostAddress()}), so {@code ::1} and {@code 0:0:0:0:0:0:0:1} are one address.
 *
 * <p>Subnet matching is Netty's {@link IpSubnetFilterRule}; literals are parsed with {@link NetUtil} (never a DNS
 * lookup).
 */
public final class TrustedProxies {
    /** The standard header (de facto; nginx {@code $proxy_add_x_forwarded_for}). */
    public static final String HEADER = "X-Forwarded-For";

    /** No proxy trusted: the client is always the TCP peer. */
    public static final TrustedProxies NONE = new TrustedProxies(List.of());

    private final List<IpSubnetFilterRule> rules;

    private TrustedProxies(List<IpSubnetFilterRule> rules) {
        this.rules = rules;
    }

    /**
     * @param entries IP addresses ({@code 127.0.0.1}, {@code ::1}) or CIDR blocks ({@code 10.0.0.0/8},
     *                {@code fd00::/8}); blanks are skipped
     * @throws IllegalArgumentException naming the first entry that is neither
     */
    public static TrustedProxies parse(List<String> entries) {
        List<IpSubnetFilterRule> rules = new ArrayList<>();
        for (String raw : entries) {
            String e = raw.strip();
            if (e.isEmpty()) {
                continue;
            }
            int slash = e.indexOf('/');
            String ip = slash < 0 ? e : e.substring(0, slash);
            InetAddress a = literal(ip);
            if (a == null) {
                throw new IllegalArgumentException("'" + e + "' is not an IP address or CIDR block");
            }
            int max = a.getAddress().length * 8;
            int prefix = max;
            if (slash >= 0) {
                try {
                    prefix = Integer.parseInt(e.substring(slash + 1));
                } catch (NumberFormatException x) {
                    prefix = -1;
                }
                if (prefix < 0 || prefix > max) {
                    throw new IllegalArgumentException("'" + e + "': the prefix length must be 0.." + max);
                }
            }
            rules.add(new IpSubnetFilterRule(a, prefix, IpFilterRuleType.ACCEPT));
        }
        return rules.isEmpty() ? NONE : new TrustedProxies(List.copyOf(rules));
    }

    /** Whether any proxy is trusted. */
    public boolean any() {
        return !rules.isEmpty();
    }

    /** Whether {@code address} is a trusted proxy. */
    public boolean trusts(InetAddress address) {
        if (address == null) {
            return false;
        }
        InetSocketAddress s = new InetSocketAddress(address, 0);
        for (IpSubnetFilterRule r : rules) {
            if (r.matches(s)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The client's IP for a connection.
     *
     * @param peer      the TCP peer (a {@link InetSocketAddress}; anything else gives null)
     * @param forwarded the values of every {@code X-Forwarded-For} header, in order (may be empty)
     * @return the client IP in canonical text form, or null when the peer is not an IP socket
     */
    public String clientIp(SocketAddress peer, List<String> forwarded) {
        if (!(peer instanceof InetSocketAddress s) || s.getAddress() == null) {
            return null;
        }
        InetAddress client = s.getAddress();
        if (!trusts(client) || forwarded == null || forwarded.isEmpty()) {
            return client.getHostAddress();
        }
        List<String> hops = new ArrayList<>();
        for (String header : forwarded) {
            for (String hop : header.split(",")) {
                hops.add(hop.strip());
            }
        }
        for (int i = hops.size() - 1; i >= 0; i--) {
            InetAddress hop = hop(hops.get(i));
            if (hop == null) {
                break; // not an address: keep the last trusted hop
            }
            client = hop;
            if (!trusts(hop)) {
                break;
            }
        }
        return client.getHostAddress();
    }

    /** One hop: an address, possibly with a port ({@code 1.2.3.4:5678}, {@code [::1]:5678}); null when it is none. */
    private static InetAddress hop(String text) {
        String t = text;
        if (t.startsWith("[") && t.indexOf(']') > 0) {
            t = t.substring(1, t.indexOf(']'));
        } else if (t.indexOf(':') > 0 && t.indexOf(':') == t.lastIndexOf(':')) {
            t = t.substring(0, t.indexOf(':')); // IPv4 with a port
        }
        return literal(t);
    }

    private static InetAddress literal(String text) {
        if (!NetUtil.isValidIpV4Address(text) && !NetUtil.isValidIpV6Address(text)) {
            return null;
        }
        return NetUtil.createInetAddressFromIpAddressString(text);
    }
}
