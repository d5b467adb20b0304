// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Dumpkit.Kdump.S3;

/// <summary>An HTTP response: status, headers (names lower-case) and the body (empty when it went to a sink).</summary>
public sealed record HttpResponse(int Status, Dictionary<string, string> Headers, byte[] Body)
{
    public string? Header(string name) => Headers.TryGetValue(name, out var v) ? v : null;
}

/// <summary>The connection failed or broke; the message is the system's text (one line, never a .NET message).</summary>
public sealed class HttpNetException(string message) : IOException(message);

/// <summary>Writing the body where it goes (a file) failed: not the network's fault, not retried.</summary>
public sealed class HttpSinkException(IOException inner) : IOException(inner.Message, inner);

/// <summary>
/// A plain HTTP/1.1 client over System.Net.Sockets, one connection per request (Connection: close): no
/// HttpClient, whose handler loads libssl and GSSAPI libraries on first use, which a bare initramfs lacks.
/// Bodies by Content-Length, chunked, or to the end of the connection.
/// </summary>
public static class Http1
{
    public static HttpResponse Send(string host, int port, string method, string target, IEnumerable<KeyValuePair<string, string>> headers,
        ReadOnlyMemory<byte> body, Stream? sink, TimeSpan timeout)
    {
        using var socket = Connect(host, port, timeout);
        using var stream = new NetworkStream(socket, ownsSocket: false);
        try
        {
            var head = new StringBuilder();
            head.Append(method).Append(' ').Append(target).Append(" HTTP/1.1\r\n");
            foreach (var (k, v) in headers)
                head.Append(k).Append(": ").Append(v).Append("\r\n");
            head.Append("Content-Length: ").Append(body.Length.ToString(CultureInfo.InvariantCulture)).Append("\r\n");
            head.Append("Connection: close\r\n\r\n");
            stream.Write(Encoding.ASCII.GetBytes(head.ToString()));
            for (int off = 0; off < body.Length; off += 1 << 16)
                stream.Write(body.Span.Slice(off, Math.Min(1 << 16, body.Length - off)));
            stream.Flush();
            return ReadResponse(new BufferedStream(stream, 1 << 16), method == "HEAD", sink);
        }
        catch (IOException e) when (e is not HttpNetException and not HttpSinkException)
        {
            throw new HttpNetException(Text(e.InnerException as SocketException, "the connection broke"));
        }
        catch (SocketException e)
        {
            throw new HttpNetException(Text(e, "the connection broke"));
        }
    }

    private static Socket Connect(string host, int port, TimeSpan timeout)
    {
        IPAddress[] addresses;
        try
        {
            addresses = IPAddress.TryParse(host, out var ip) ? [ip] : Dns.GetHostAddresses(host);
        }
        catch (SocketException e)
        {
            throw new HttpNetException($"{host}: {Text(e, "cannot resolve the name")}");
        }
        if (addresses.Length == 0)
            throw new HttpNetException($"{host}: Name or service not known");
        SocketException? last = null;
        foreach (var address in addresses)
        {
            var s = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp)
            {
                NoDelay = true,
                ReceiveTimeout = (int)timeout.TotalMilliseconds,
                SendTimeout = (int)timeout.TotalMilliseconds,
            };
            try
            {
                using var cts = new CancellationTokenSource(timeout);
                s.ConnectAsync(new IPEndPoint(address, port), cts.Token).AsTask().GetAwaiter().GetResult();
                return s;
            }
            catch (SocketException e)
            {
                last = e;
                s.Dispose();
            }
            catch (OperationCanceledException)
            {
                last = new SocketException((int)SocketError.TimedOut);
                s.Dispose();
            }
        }
        throw new HttpNetException($"{host}:{port}: {Text(last, "cannot connect")}");
    }

    /// <summary>The system's words for a socket error (strerror's text for the errno behind it).</summary>
    public static string Text(SocketException? e, string fallback) => e?.SocketErrorCode switch
    {
        SocketError.ConnectionRefused => "Connection refused",
        SocketError.TimedOut => "Connection timed out",
        SocketError.ConnectionReset => "Connection reset by peer",
        SocketError.ConnectionAborted => "Software caused connection abort",
        SocketError.Shutdown => "Broken pipe",
        SocketError.HostNotFound or SocketError.NoData => "Name or service not known",
        SocketError.TryAgain => "Temporary failure in name resolution",
        SocketError.NetworkUnreachable => "Network is unreachable",
        SocketError.HostUnreachable => "No route to host",
        SocketError.NetworkDown => "Network is down",
        SocketError.WouldBlock => "Connection timed out",
        _ => fallback,
    };

    private static HttpResponse ReadResponse(Stream s, bool head, Stream? sink)
    {
        string status = ReadLine(s) ?? throw new HttpNetException("the server closed the connection without a response");
        var parts = status.Split(' ', 3);
        if (parts.Length < 2 || !parts[0].StartsWith("HTTP/1.", StringComparison.Ordinal) ||
            !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int code))
            throw new HttpNetException($"not an HTTP response: {status}");
        var headers = new Dictionary<string, string>(StringComparer.Ordinal);
        while (true)
        {
            string line = ReadLine(s) ?? throw new HttpNetException("the connection closed inside the response headers");
            if (line.Length == 0) break;
            int colon = line.IndexOf(':');
            if (colon > 0) headers[line[..colon].Trim().ToLowerInvariant()] = line[(colon + 1)..].Trim();
        }
        if (code == 100) return ReadResponse(s, head, sink);
        if (head || code is 204 or 304) return new HttpResponse(code, headers, []);
        var target = code is >= 200 and < 300 && sink is not null ? sink : new MemoryStream();
        if (headers.TryGetValue("transfer-encoding", out var te) && te.Contains("chunked", StringComparison.OrdinalIgnoreCase))
        {
            while (true)
            {
                string size = ReadLine(s) ?? throw new HttpNetException("the connection closed inside a chunked body");
                int semi = size.IndexOf(';');
                if (!long.TryParse(semi < 0 ? size : size[..semi], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out long n) || n < 0)
                    throw new HttpNetException($"bad chunk size '{size}'");
                if (n == 0)
                {
                    while (ReadLine(s) is { Length: > 0 }) { }
                    break;
                }
                Copy(s, target, n);
                ReadLine(s);
            }
        }
        else if (headers.TryGetValue("content-length", out var cl))
        {
            if (!long.TryParse(cl, NumberStyles.None, CultureInfo.InvariantCulture, out long n))
                throw new HttpNetException($"bad Content-Length '{cl}'");
            Copy(s, target, n);
        }
        else
        {
            var buffer = new byte[1 << 16];
            int got;
            while ((got = s.Read(buffer)) > 0)
                Write(target, buffer.AsSpan(0, got));
        }
        return new HttpResponse(code, headers, target is MemoryStream m && target != sink ? m.ToArray() : []);
    }

    private static void Copy(Stream s, Stream target, long n)
    {
        var buffer = new byte[1 << 16];
        while (n > 0)
        {
            int got = s.Read(buffer, 0, (int)Math.Min(n, buffer.Length));
            if (got == 0) throw new HttpNetException("the connection closed inside the response body");
            Write(target, buffer.AsSpan(0, got));
            n -= got;
        }
    }

    private static void Write(Stream target, ReadOnlySpan<byte> data)
    {
        try
        {
            target.Write(data);
        }
        catch (IOException e)
        {
            throw new HttpSinkException(e);
        }
    }

    private static string? ReadLine(Stream s)
    {
        var sb = new StringBuilder();
        while (true)
        {
            int b = s.ReadByte();
            if (b < 0) return sb.Length == 0 ? null : sb.ToString();
            if (b == '\n') return sb.ToString().TrimEnd('\r');
            if (sb.Length > 16384) throw new HttpNetException("a response line longer than 16 KiB");
            sb.Append((char)b);
        }
    }
}
