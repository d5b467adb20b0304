// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Buffers.Binary;
using System.Runtime.InteropServices;
using static Dumpkit.Pcap.Capture.LinuxPacket;

namespace Dumpkit.Pcap.Capture;

/// <summary>
/// Live capture of netfilter log messages (<c>-i nflog</c>, <c>-i nflog:GROUP[,GROUP...]</c>): a NETLINK_NETFILTER socket
/// bound to the NFLOG groups in packet-copy mode, as libpcap's netfilter source sets it up. Each log message is delivered
/// whole (LINKTYPE_NFLOG: the nfgenmsg header and its TLVs) or, with <c>-y IPV4</c>, only its NFULA_PAYLOAD attribute.
/// Time stamps are the time of reception (gettimeofday, as libpcap); there is no kernel filter (a filter runs in user
/// space); "received by filter" counts the packets delivered, "dropped by kernel" the ENOBUFS the socket reported.
/// </summary>
public sealed unsafe partial class NflogSource : PacketSource
{
    private const ushort SubsysUlog = 4, MsgPacket = 0, MsgConfig = 1;
    private const byte CmdBind = 1, CmdPfBind = 3, CmdPfUnbind = 4, CopyPacket = 2;
    private const ushort AttrCfgCmd = 1, AttrCfgMode = 2, AttrPayload = 9;
    private const int NlmsgError = 2, NlmFRequest = 1, NlmFAck = 4;

    private readonly int _fd = -1, _wakeFd = -1;
    private readonly CancellationToken _cancel;
    private readonly CancellationTokenRegistration _wake;
    private readonly byte[] _buf;
    private int _at, _end;
    private uint _seq;
    private ulong _read, _nobufs;

    /// <summary>True when <paramref name="device"/> names a netfilter log device (<c>nflog</c> or <c>nflog:...</c>).</summary>
    public static bool IsNflog(string device)
    {
        int slash = device.LastIndexOf('/');
        var cp = device.AsSpan(slash + 1);
        return cp.StartsWith("nflog", StringComparison.Ordinal) && (cp.Length == 5 || cp[5] == ':');
    }

    /// <summary>The link types -L lists: NFLOG, IPV4.</summary>
    public int[] DataLinks { get; } = [LinkTypes.Nflog, LinkTypes.Ipv4];

    /// <summary>
    /// Parses the groups, opens and binds the socket. Throws <see cref="CaptureException"/> with libpcap's message.
    /// <paramref name="linkTypeName"/> (-y) may be NFLOG or IPV4.
    /// </summary>
    public NflogSource(string device, int snapLen, string? linkTypeName, long bufferSizeKb, CancellationToken cancel)
    {
        _cancel = cancel;
        var groups = ParseGroups(device);
        SnapLen = snapLen <= 0 || snapLen > SnapLength.Maximum ? SnapLength.Maximum : snapLen;
        LinkType = LinkTypes.Nflog;
        if (linkTypeName != null)
        {
            int? wanted = LinkTypes.FromAnyName(linkTypeName);
            if (wanted is not (LinkTypes.Nflog or LinkTypes.Ipv4))
                throw new CaptureException($"{linkTypeName} is not one of the DLTs supported by this device");
            LinkType = wanted.Value;
        }
        _buf = new byte[128 + SnapLen];
        _fd = socket(16 /* AF_NETLINK */, SockRaw | SockCloexec, 12 /* NETLINK_NETFILTER */);
        if (_fd < 0) throw new CaptureException($"Can't create raw socket: {Error(Marshal.GetLastPInvokeError())}");
        try
        {
            _seq = (uint)DateTimeOffset.UtcNow.ToUnixTimeSeconds();
            Config(0, CmdPfUnbind, 2 /* AF_INET */, "NFULNL_CFG_CMD_PF_UNBIND");
            Config(0, CmdPfBind, 2, "NFULNL_CFG_CMD_PF_BIND");
            Span<byte> mode = stackalloc byte[6];
            foreach (ushort g in groups)
            {
                Config(g, CmdBind, 0, "Can't listen on group index");
                BinaryPrimitives.WriteUInt32BigEndian(mode, (uint)SnapLen);
                mode[4] = CopyPacket;
                mode[5] = 0;
                if (!Send(0, g, AttrCfgMode, mode, out int e)) throw new CaptureException($"NFULNL_COPY_PACKET: {Error(e)}");
            }
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
                _wake = cancel.Register(() => { ulong one = 1; write(wfd, &one, 8); });
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>libpcap's parsing of "nflog:1,2,...": strtol with base 0 per group, at most 32 of them.</summary>
    private static List<ushort> ParseGroups(string device)
    {
        var groups = new List<ushort>();
        int slash = device.LastIndexOf('/');
        string dev = device[(slash + 1 + 5)..];
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

    private void Config(ushort group, byte cmd, byte family, string what)
    {
        Span<byte> data = [cmd];
        if (!Send(family, group, AttrCfgCmd, data, out int e)) throw new CaptureException($"{what}: {Error(e)}");
    }

    /// <summary>Sends one NFULNL_MSG_CONFIG message with one attribute and waits for the kernel's acknowledgement.</summary>
    private bool Send(byte family, ushort group, ushort attrType, ReadOnlySpan<byte> attr, out int errno)
    {
        errno = 0;
        byte* msg = stackalloc byte[64];
        new Span<byte>(msg, 64).Clear();
        uint seq = ++_seq;
        int attrLen = 4 + attr.Length;
        int total = 20 + ((attrLen + 3) & ~3);
        *(uint*)msg = (uint)total;
        *(ushort*)(msg + 4) = SubsysUlog << 8 | MsgConfig;
        *(ushort*)(msg + 6) = NlmFRequest | NlmFAck;
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
            if (type == (SubsysUlog << 8 | MsgPacket))
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
                        if ((BinaryPrimitives.ReadUInt16LittleEndian(m[(a + 2)..]) & 0x7fff) == AttrPayload)
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
            _at += (int)Math.Min((mlen + 3) & ~3u, (uint)(_end - _at));
            if (payloadAt < 0) continue;
            long ticks = DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks;
            h.Seconds = ticks / TimeSpan.TicksPerSecond;
            long usec = ticks % TimeSpan.TicksPerSecond / 10;
            h.Fraction = Nano ? usec * 1000 : usec;
            int cap = Math.Min(payloadLen, buf.Length);
            _buf.AsSpan(payloadAt, cap).CopyTo(buf);
            h.CapLen = cap;
            h.Len = (uint)payloadLen;
            _read++;
            return true;
        }
    }

    private int _msgStart;

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
