// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Buffers.Binary;
using System.Runtime.InteropServices;
using static Dumpkit.Pcap.Capture.LinuxPacket;

namespace Dumpkit.Pcap.Capture;

/// <summary>
/// Live capture from a NETLINK_NETFILTER socket, as libpcap's netfilter source: log groups (<see cref="NflogSource"/>,
/// <c>-i nflog[:GROUPS]</c>) or packet queues (<see cref="NfqueueSource"/>, <c>-i nfqueue[:QUEUES]</c>). Time stamps are the
/// time of reception (gettimeofday, as libpcap); there is no kernel filter (a filter runs in user space); "received by
/// filter" counts the packets delivered, "dropped by kernel" the ENOBUFS the socket reported.
/// </summary>
public abstract unsafe partial class NetfilterSource : PacketSource
{
    private const int NlmsgError = 2, NlmFRequest = 1, NlmFAck = 4;

    private readonly int _fd = -1;
    private readonly CancellationToken _cancel;
    private int _wakeFd = -1;
    private CancellationTokenRegistration _wake;
    private readonly byte[] _buf;
    private int _at, _end, _msgStart;
    private uint _seq;
    private ulong _read, _nobufs;

    /// <summary>True when <paramref name="device"/> names a netfilter device: <c>nflog</c>, <c>nfqueue</c>, or either with <c>:...</c>.</summary>
    public static bool IsNetfilter(string device) => NflogSource.IsNflog(device) || NfqueueSource.IsNfqueue(device);

    /// <summary>Opens the source <paramref name="device"/> names (see <see cref="IsNetfilter"/>).</summary>
    public static NetfilterSource Open(string device, int snapLen, string? linkTypeName, long bufferSizeKb, CancellationToken cancel) =>
        NflogSource.IsNflog(device)
            ? new NflogSource(device, snapLen, linkTypeName, bufferSizeKb, cancel)
            : new NfqueueSource(device, snapLen, linkTypeName, bufferSizeKb, cancel);

    /// <summary>
    /// True when the device name starts with <paramref name="prefix"/>, alone or before ':'. libpcap looks after the last
    /// '/' but keeps the '/' there, so a name with a '/' is never a netfilter device.
    /// </summary>
    private protected static bool Matches(string device, string prefix) =>
        device.StartsWith(prefix, StringComparison.Ordinal) && (device.Length == prefix.Length || device[prefix.Length] == ':');

    /// <summary>The link types -L lists.</summary>
    public abstract int[] DataLinks { get; }

    /// <summary>The netlink message type (subsystem &lt;&lt; 8 | message) of a packet this source delivers.</summary>
    private protected abstract ushort PacketMessage { get; }

    /// <summary>The attribute type that holds the packet (NFULA_PAYLOAD, NFQA_PAYLOAD).</summary>
    private protected abstract ushort PayloadAttribute { get; }

    /// <summary>Parses the groups and opens the socket (the subclass binds it).</summary>
    private protected NetfilterSource(string device, int prefixLength, int snapLen, int[] dataLinks, CancellationToken cancel,
        out List<ushort> groups)
    {
        _cancel = cancel;
        _dataLinks = dataLinks;
        groups = ParseGroups(device, prefixLength);
        SnapLen = snapLen <= 0 || snapLen > SnapLength.Maximum ? SnapLength.Maximum : snapLen;
        LinkType = dataLinks[0];
        _buf = new byte[128 + SnapLen];
        _fd = socket(16 /* AF_NETLINK */, SockRaw | SockCloexec, 12 /* NETLINK_NETFILTER */);
        if (_fd < 0) throw new CaptureException($"Can't create raw socket: {Error(Marshal.GetLastPInvokeError())}");
        _seq = (uint)DateTimeOffset.UtcNow.ToUnixTimeSeconds();
    }

    private readonly int[] _dataLinks;

    /// <summary>
    /// -y: picks one of <see cref="DataLinks"/> by name (pcap_set_datalink); throws <see cref="CaptureException"/> with libpcap's
    /// message for another. tcpdump sets it once the device is open and its direction set.
    /// </summary>
    public void SetLinkType(string linkTypeName)
    {
        int? wanted = LinkTypes.FromAnyName(linkTypeName);
        if (wanted == null || Array.IndexOf(_dataLinks, wanted.Value) < 0)
            throw new CaptureException($"{linkTypeName} is not one of the DLTs supported by this device");
        LinkType = wanted.Value;
    }

    /// <summary>-B: SO_RCVBUF, and the eventfd cancellation writes; the subclass calls it once the socket is bound.</summary>
    private protected void Finish(long bufferSizeKb)
    {
        if (bufferSizeKb > 0)
        {
            int size = (int)Math.Min(int.MaxValue, bufferSizeKb * 1024);
            if (setsockopt(_fd, SolSocket, 8 /* SO_RCVBUF */, &size, sizeof(int)) != 0)
                throw new CaptureException($"SO_RCVBUF: {Error(Marshal.GetLastPInvokeError())}");
        }
        _wakeFd = eventfd(0, SockCloexec | 0x800 /* EFD_NONBLOCK */);
        if (_wakeFd >= 0)
        {
            int wfd = _wakeFd;
            _wake = _cancel.Register(() => { ulong one = 1; write(wfd, &one, 8); });
        }
    }

    /// <summary>libpcap's parsing of "nflog:1,2,...": strtol with base 0 per group, at most 32 of them.</summary>
    private static List<ushort> ParseGroups(string device, int prefixLength)
    {
        var groups = new List<ushort>();
        string dev = device[prefixLength..];
        int i = 0;
        if (dev.Length > 0 && dev[0] == ':')
        {
            i = 1;
            while (i < dev.Length)
            {
                if (groups.Count == 32) throw new CaptureException($"Maximum 32 netfilter groups! dev: {device}");
                int end = StrtolEnd(dev, i, out long id);
                if (end != i)
                {
                    if (id < 0 || id > 65535) throw new CaptureException($"Netfilter group range from 0 to 65535 (got {id})");
                    groups.Add((ushort)id);
                    i = end;
                }
                if (i >= dev.Length || dev[i] != ',') break;
                i++;
            }
        }
        if (i < dev.Length) throw new CaptureException($"Can't get netfilter group(s) index from {device}");
        if (groups.Count == 0) groups.Add(0);
        return groups;
    }

    /// <summary>strtol(s + i, &amp;end, 0): where the number ends (i when there is none) and its value (saturated).</summary>
    private static int StrtolEnd(string s, int i, out long value)
    {
        value = 0;
        int p = i;
        while (p < s.Length && s[p] is ' ' or '\t' or '\n' or '\v' or '\f' or '\r') p++;
        bool neg = false;
        if (p < s.Length && s[p] is '+' or '-') neg = s[p++] == '-';
        int radix = 10;
        if (p + 1 < s.Length && s[p] == '0' && s[p + 1] is 'x' or 'X' && p + 2 < s.Length && Uri.IsHexDigit(s[p + 2])) { radix = 16; p += 2; }
        else if (p < s.Length && s[p] == '0') radix = 8;
        int start = p;
        decimal v = 0;
        while (p < s.Length)
        {
            int d = char.IsAsciiDigit(s[p]) ? s[p] - '0' : char.IsAsciiLetter(s[p]) ? char.ToLowerInvariant(s[p]) - 'a' + 10 : 99;
            if (d >= radix) break;
            if (v < long.MaxValue) v = v * radix + d;
            p++;
        }
        if (p == start) return i;
        v = neg ? -v : v;
        value = v > long.MaxValue ? long.MaxValue : v < long.MinValue ? long.MinValue : (long)v;
        return p;
    }

    /// <summary>
    /// Sends one netfilter message (nfgenmsg with <paramref name="family"/> and resource <paramref name="group"/>, one
    /// attribute) and, when <paramref name="ack"/>, waits for the kernel's acknowledgement; false with errno on failure.
    /// </summary>
    private protected bool Send(ushort msgType, byte family, ushort group, ushort attrType, ReadOnlySpan<byte> attr, bool ack, out int errno)
    {
        errno = 0;
        byte* msg = stackalloc byte[64];
        new Span<byte>(msg, 64).Clear();
        uint seq = ++_seq;
        int attrLen = 4 + attr.Length;
        int total = 20 + ((attrLen + 3) & ~3);
        *(uint*)msg = (uint)total;
        *(ushort*)(msg + 4) = msgType;
        *(ushort*)(msg + 6) = (ushort)(NlmFRequest | (ack ? NlmFAck : 0));
        *(uint*)(msg + 8) = seq;
        msg[16] = family;
        msg[17] = 0; // NFNETLINK_V0
        BinaryPrimitives.WriteUInt16BigEndian(new Span<byte>(msg + 18, 2), group);
        *(ushort*)(msg + 20) = (ushort)attrLen;
        *(ushort*)(msg + 22) = attrType;
        attr.CopyTo(new Span<byte>(msg + 24, attr.Length));
        byte* addr = stackalloc byte[12];
        new Span<byte>(addr, 12).Clear();
        *(ushort*)addr = 16; // AF_NETLINK, pid 0: the kernel
        if (sendto(_fd, msg, (nuint)total, 0, addr, 12) < 0)
        {
            errno = Marshal.GetLastPInvokeError();
            return false;
        }
        if (!ack) return true;
        byte* reply = stackalloc byte[1024];
        while (true)
        {
            uint alen = 12;
            nint len;
            do len = recvfrom(_fd, reply, 1024, 0, addr, &alen);
            while (len < 0 && Marshal.GetLastPInvokeError() == Eintr);
            if (len < 0)
            {
                errno = Marshal.GetLastPInvokeError();
                return false;
            }
            if (len == 0) return true;
            if (*(uint*)(addr + 4) != 0 || *(uint*)(reply + 8) != seq) continue; // not the kernel's answer to this message
            for (nint off = 0; len - off >= 16;)
            {
                uint mlen = *(uint*)(reply + off);
                if (mlen < 16 || mlen > len - off) break;
                ushort type = *(ushort*)(reply + off + 4), flags = *(ushort*)(reply + off + 6);
                if (type == NlmsgError || type == 3 /* NLMSG_DONE */ && (flags & 2 /* NLM_F_MULTI */) != 0)
                {
                    if (mlen < 20)
                    {
                        errno = 74; // EBADMSG
                        return false;
                    }
                    errno = -*(int*)(reply + off + 16);
                    return errno == 0;
                }
                off += (nint)((mlen + 3) & ~3u);
            }
        }
    }

    /// <summary>
    /// Called for every packet message, whether or not it held a payload, once its attributes were read:
    /// <paramref name="message"/> is the whole netlink message. The queue source gives its verdict here.
    /// </summary>
    private protected virtual void Delivered(ReadOnlySpan<byte> message) { }

    /// <inheritdoc/>
    public override bool Next(ref PacketHeader h, ref byte[] buf)
    {
        while (true)
        {
            if (_at >= _end)
            {
                if (!Receive()) return false;
                continue;
            }
            int len = _end - _at;
            if (len < 16)
            {
                _at = _end;
                continue;
            }
            var m = _buf.AsSpan(_at);
            uint mlen = BinaryPrimitives.ReadUInt32LittleEndian(m);
            if (mlen < 16 || (uint)(_end - _msgStart) < mlen)
                throw new CaptureException($"Message truncated: (got: {_end - _msgStart}) (nlmsg_len: {mlen})");
            ushort type = BinaryPrimitives.ReadUInt16LittleEndian(m[4..]);
            int payloadAt = -1, payloadLen = 0;
            bool packet = type == PacketMessage;
            if (packet)
            {
                if (LinkType == LinkTypes.Nflog)
                {
                    payloadAt = _at + 16;
                    payloadLen = (int)mlen - 16;
                }
                else
                {
                    if (mlen < 20) throw new CaptureException($"Malformed message: (nlmsg_len: {mlen})");
                    int a = 20, left = (int)mlen - 20;
                    while (left >= 4)
                    {
                        int alen = BinaryPrimitives.ReadUInt16LittleEndian(m[a..]);
                        if (alen < 4 || alen > left) break;
                        if ((BinaryPrimitives.ReadUInt16LittleEndian(m[(a + 2)..]) & 0x7fff) == PayloadAttribute)
                        {
                            payloadAt = _at + a + 4;
                            payloadLen = alen - 4;
                        }
                        int step = (alen + 3) & ~3;
                        a += step;
                        left -= step;
                    }
                }
            }
            int at = _at;
            _at += (int)Math.Min((mlen + 3) & ~3u, (uint)(_end - _at));
            if (payloadAt >= 0)
            {
                long ticks = DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks;
                h.Seconds = ticks / TimeSpan.TicksPerSecond;
                long usec = ticks % TimeSpan.TicksPerSecond / 10;
                h.Fraction = Nano ? usec * 1000 : usec;
                int cap = Math.Min(payloadLen, buf.Length);
                _buf.AsSpan(payloadAt, cap).CopyTo(buf);
                h.CapLen = cap;
                h.Len = (uint)payloadLen;
                _read++;
            }
            if (packet) Delivered(_buf.AsSpan(at, (int)mlen));
            if (payloadAt >= 0) return true;
        }
    }

    /// <summary>One recv() into the buffer (waiting in poll with the cancellation's eventfd); false when cancelled.</summary>
    private bool Receive()
    {
        PollFd* fds = stackalloc PollFd[2];
        while (true)
        {
            if (_cancel.IsCancellationRequested) return false;
            fds[0] = new PollFd { Fd = _fd, Events = PollIn };
            fds[1] = new PollFd { Fd = _wakeFd, Events = PollIn };
            int r = poll(fds, _wakeFd >= 0 ? 2u : 1u, _wakeFd >= 0 ? -1 : 100);
            if (r < 0 && Marshal.GetLastPInvokeError() != Eintr)
                throw new CaptureException($"can't poll on netlink socket: {Error(Marshal.GetLastPInvokeError())}");
            if (r <= 0) continue;
            if (_wakeFd >= 0 && fds[1].REvents != 0) return false;
            nint n;
            fixed (byte* p = _buf) n = recv(_fd, p, (nuint)_buf.Length, MsgDontwait);
            if (n < 0)
            {
                int e = Marshal.GetLastPInvokeError();
                if (e == 105 /* ENOBUFS */) _nobufs++;
                if (e is Eintr or Eagain or 105) continue;
                throw new CaptureException($"Can't receive packet: {Error(e)}");
            }
            _msgStart = _at = 0;
            _end = (int)n;
            return true;
        }
    }

    /// <summary>(packets delivered, ENOBUFS seen), as libpcap's netfilter statistics.</summary>
    public (ulong Received, ulong Dropped) ReadStats() => (_read, _nobufs);

    private int _released;

    /// <summary>Closes the socket.</summary>
    public override void Dispose()
    {
        if (Interlocked.Exchange(ref _released, 1) != 0) return;
        _wake.Dispose();
        if (_wakeFd >= 0) close(_wakeFd);
        if (_fd >= 0) close(_fd);
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint sendto(int fd, void* buf, nuint len, int flags, void* addr, uint addrLen);

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint recvfrom(int fd, void* buf, nuint len, int flags, void* addr, uint* addrLen);
}
