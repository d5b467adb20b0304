using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace Dumpkit.Tcpdump.Capture;

/// <summary>
/// Live capture on Linux AF_PACKET sockets through the managed Socket API (no libpcap, no native code).
/// Ethernet-like interfaces are captured raw (LINKTYPE_ETHERNET); "any" and other hardware types use a
/// cooked (SOCK_DGRAM) socket and get a synthesized Linux cooked v1 header (LINKTYPE_LINUX_SLL).
/// </summary>
internal sealed class AfPacketSource : PacketSource
{
    private const int SolPacket = 263, PacketAddMembership = 1, PacketStatistics = 6, PacketMrPromisc = 1;
    private readonly Socket _sock;
    private readonly bool _cooked;
    private readonly bool _loopback;
    private readonly string? _direction;
    private readonly CancellationToken _cancel;
    private EndPoint _from = new LinkEndPoint(0, 0);
    private uint _recv, _drops;
    public string Interface { get; }

    public AfPacketSource(string iface, int snapLen, bool promisc, string? direction, CancellationToken cancel)
    {
        Interface = iface;
        SnapLen = snapLen;
        _direction = direction;
        _cancel = cancel;
        int ifindex = 0;
        int hatype = 1;
        if (iface != "any")
        {
            var dir = Path.Combine("/sys/class/net", iface);
            if (!Directory.Exists(dir)) throw new CaptureException($"{iface}: No such device exists\n(No such device exists)");
            ifindex = int.Parse(File.ReadAllText(Path.Combine(dir, "ifindex")).Trim(), System.Globalization.CultureInfo.InvariantCulture);
            hatype = int.Parse(File.ReadAllText(Path.Combine(dir, "type")).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        }
        _loopback = hatype == 772;
        _cooked = !(hatype == 1 || hatype == 772);
        LinkType = _cooked ? LinkTypes.LinuxSll : LinkTypes.Ethernet;
        var proto = (ProtocolType)IPAddress.HostToNetworkOrder((short)0x0003);
        try
        {
            _sock = new Socket(AddressFamily.Packet, _cooked ? SocketType.Dgram : SocketType.Raw, proto);
        }
        catch (SocketException ex) when (ex.SocketErrorCode is SocketError.AccessDenied)
        {
            throw new CaptureException($"{iface}: You don't have permission to perform this capture on that device\n(socket: Operation not permitted)");
        }
        _sock.ReceiveBufferSize = 4 << 20;
        if (ifindex != 0)
        {
            _sock.Bind(new LinkEndPoint(ifindex, 0x0003));
            if (promisc)
            {
                Span<byte> mreq = stackalloc byte[16];
                mreq.Clear();
                BinaryPrimitives.WriteInt32LittleEndian(mreq, ifindex);
                BinaryPrimitives.WriteUInt16LittleEndian(mreq[4..], PacketMrPromisc);
                _sock.SetRawSocketOption(SolPacket, PacketAddMembership, mreq);
            }
        }
        ReadStats(); // reset the kernel counters
        _recv = _drops = 0;
    }

    public override bool Next(ref PacketHeader h, ref byte[] buf)
    {
        int hdr = _cooked ? 16 : 0;
        while (!_cancel.IsCancellationRequested)
        {
            if (!_sock.Poll(100_000, SelectMode.SelectRead)) continue;
            int n;
            try { n = _sock.ReceiveFrom(buf, hdr, buf.Length - hdr, SocketFlags.None, ref _from); }
            catch (SocketException ex) when (ex.SocketErrorCode == SocketError.MessageSize) { n = buf.Length - hdr; }
            var ep = (LinkEndPoint)_from;
            if (_loopback && ep.PacketType == 4) continue; // lo delivers every packet twice
            if (_direction == "in" && ep.PacketType == 4) continue;
            if (_direction == "out" && ep.PacketType != 4) continue;
            var now = DateTime.UtcNow;
            long ticks = now.Ticks - DateTime.UnixEpoch.Ticks;
            h.Seconds = ticks / TimeSpan.TicksPerSecond;
            h.Fraction = Nano ? ticks % TimeSpan.TicksPerSecond * 100 : ticks % TimeSpan.TicksPerSecond / 10;
            int len = n + hdr;
            if (_cooked)
            {
                var s = buf.AsSpan(0, 16);
                BinaryPrimitives.WriteUInt16BigEndian(s, (ushort)ep.PacketType);
                BinaryPrimitives.WriteUInt16BigEndian(s[2..], (ushort)ep.HaType);
                BinaryPrimitives.WriteUInt16BigEndian(s[4..], (ushort)ep.HaLen);
                s.Slice(6, 8).Clear();
                ep.Address.AsSpan(0, Math.Min(8, ep.HaLen)).CopyTo(s[6..]);
                BinaryPrimitives.WriteUInt16BigEndian(s[14..], (ushort)ep.Protocol);
            }
            h.Len = (uint)len;
            h.CapLen = Math.Min(len, SnapLen);
            return true;
        }
        return false;
    }

    /// <summary>
    /// Attaches a classic BPF program to the socket (SO_ATTACH_FILTER), as libpcap does: first a reject-all program,
    /// then the queue is drained, then the real program, so nothing captured before it slips through.
    /// Returns false when the program must run in user space: cooked sockets (the kernel's view has no link
    /// header; refused is null), or the kernel refused it (refused is its error, the socket is left unfiltered).
    /// </summary>
    public bool AttachFilter(ReadOnlySpan<Filter.BpfInstruction> prog, out string? refused)
    {
        refused = null;
        if (_cooked) return false;
        const int SolSocket = 1, SoAttachFilter = 26, SoDetachFilter = 27;
        ReadOnlySpan<Filter.BpfInstruction> rejectAll = [new((ushort)(Filter.Bpf.Ret | Filter.Bpf.K), 0, 0, 0)];
        try
        {
            SetFilter(rejectAll);
            var scratch = new byte[65536];
            while (_sock.Available > 0) _sock.Receive(scratch);
        }
        catch (SocketException ex)
        {
            refused = ex.Message;
            return false;
        }
        Span<byte> none = stackalloc byte[4];
        try
        {
            SetFilter(prog);
            ReadStats(); // count from here: what the program lets through
            _recv = _drops = 0;
            return true;
        }
        catch (SocketException ex)
        {
            refused = ex.Message;
            try { _sock.SetRawSocketOption(SolSocket, SoDetachFilter, none); }
            catch (SocketException) { }
            return false;
        }

        unsafe void SetFilter(ReadOnlySpan<Filter.BpfInstruction> p)
        {
            fixed (Filter.BpfInstruction* insns = p)
            {
                Span<byte> fprog = stackalloc byte[16]; // struct sock_fprog { u16 len; pad; struct sock_filter *filter; }
                fprog.Clear();
                BinaryPrimitives.WriteUInt16LittleEndian(fprog, (ushort)p.Length);
                BinaryPrimitives.WriteUInt64LittleEndian(fprog[8..], (ulong)insns);
                _sock.SetRawSocketOption(SolSocket, SoAttachFilter, fprog);
            }
        }
    }

    /// <summary>(received by filter, dropped by kernel) since open.</summary>
    public (uint Received, uint Dropped) ReadStats()
    {
        Span<byte> st = stackalloc byte[8];
        try
        {
            int got = _sock.GetRawSocketOption(SolPacket, PacketStatistics, st);
            if (got >= 8)
            {
                _recv += BinaryPrimitives.ReadUInt32LittleEndian(st);
                _drops += BinaryPrimitives.ReadUInt32LittleEndian(st[4..]);
            }
        }
        catch (SocketException) { }
        return (_recv, _drops);
    }

    public override void Dispose() => _sock.Dispose();

    /// <summary>sockaddr_ll as a .NET EndPoint.</summary>
    private sealed class LinkEndPoint(int ifindex, int protocol) : EndPoint
    {
        public int PacketType, HaType, HaLen, Protocol = protocol;
        public byte[] Address = new byte[8];

        public override AddressFamily AddressFamily => AddressFamily.Packet;

        public override SocketAddress Serialize()
        {
            var sa = new SocketAddress(AddressFamily.Packet, 20);
            sa[2] = (byte)(Protocol >> 8);
            sa[3] = (byte)Protocol;
            sa[4] = (byte)ifindex;
            sa[5] = (byte)(ifindex >> 8);
            sa[6] = (byte)(ifindex >> 16);
            sa[7] = (byte)(ifindex >> 24);
            return sa;
        }

        public override EndPoint Create(SocketAddress sa)
        {
            var e = new LinkEndPoint(sa[4] | sa[5] << 8 | sa[6] << 16 | sa[7] << 24, sa[2] << 8 | sa[3])
            {
                HaType = sa[8] | sa[9] << 8,
                PacketType = sa[10],
                HaLen = sa[11],
            };
            for (int i = 0; i < 8 && 12 + i < sa.Size; i++) e.Address[i] = sa[12 + i];
            return e;
        }
    }
}
