// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Buffers.Binary;
using System.Runtime.InteropServices;
using static Dumpkit.Pcap.Capture.LinuxPacket;

namespace Dumpkit.Pcap.Capture;

/// <summary>What a live capture is opened with (tcpdump's -i -s -p -Q -B -y --immediate-mode --nano).</summary>
/// <param name="Interface">The device, or <c>any</c> (-i).</param>
/// <param name="SnapLen">Bytes kept of each packet (-s).</param>
/// <param name="Promiscuous">Put the device in promiscuous mode (not with -p, never on <c>any</c>).</param>
/// <param name="Direction"><c>in</c>, <c>out</c> or <c>inout</c> (-Q); null: both.</param>
/// <param name="Nano">Deliver nanosecond time stamps (--nano).</param>
/// <param name="Immediate">Hand packets over at once instead of by the 1 s buffer timeout (--immediate-mode).</param>
/// <param name="BufferSizeKb">The ring's size in KiB (-B); 0: 2 MiB.</param>
/// <param name="LinkTypeName">The link type asked for (-y), e.g. <c>LINUX_SLL</c>; null: the device's default.</param>
/// <param name="NoRing">Read with recvmsg() instead of the memory-mapped ring (for tests of the fallback).</param>
public sealed record LiveOptions(string Interface, int SnapLen = SnapLength.Maximum, bool Promiscuous = true, string? Direction = null,
    bool Nano = false, bool Immediate = false, long BufferSizeKb = 0, string? LinkTypeName = null, bool NoRing = false);

/// <summary>
/// Live capture on a Linux AF_PACKET socket, without libpcap. Packets are read from a TPACKET_V3
/// memory-mapped receive ring (the kernel fills blocks of packets and hands a block over when it is
/// full or its timeout expires; each packet carries the kernel's nanosecond time stamp and the VLAN
/// tag the driver stripped). If the ring cannot be set up, packets are read with recvmsg(), VLAN tags
/// from PACKET_AUXDATA, time stamps from SIOCGSTAMPNS.
/// Ethernet and loopback interfaces are captured raw (LINKTYPE_ETHERNET); "any" is captured cooked
/// with a Linux cooked v2 header (v1 with -y LINUX_SLL); other hardware types cooked with a v1 header.
/// </summary>
public sealed unsafe class AfPacketSource : PacketSource
{
    private const int VlanTagLen = 4;
    private readonly int _fd = -1, _wakeFd = -1;
    private readonly int _ifindex, _loIfindex;
    private readonly int _cookedHdr;          // 0, 16 (SLL) or 20 (SLL2)
    private readonly int _vlanOffset;         // where a stripped VLAN tag is put back, -1: not for this link type
    private readonly bool _in, _out;          // -Q in / -Q out
    private readonly CancellationToken _cancel;
    private readonly CancellationTokenRegistration _wake;
    private ulong _recv, _drops;

    // the ring: _blockNr blocks of _blockSize bytes at _ring; the one being read is _block
    private readonly byte* _ring;
    private readonly nuint _ringLen;
    private readonly int _blockSize, _blockNr;
    private int _block;
    private byte* _pkt;                       // next packet in the block being read
    private int _pktsLeft;                    // packets of that block not read yet; -1: no block held

    /// <summary>The device captured on.</summary>
    public string Interface { get; }
    /// <summary>The link types -L lists for this device (as libpcap offers them).</summary>
    public int[] DataLinks { get; }
    /// <summary>True when packets come from the TPACKET_V3 ring, false on the recvmsg() fallback.</summary>
    public bool MemoryMapped => _ring != null;
    /// <summary>
    /// How long the kernel keeps a partly filled ring block before handing it over (ms): 1 with
    /// --immediate-mode, 1000 (tcpdump's buffer timeout) otherwise; 0 on the recvmsg() fallback.
    /// </summary>
    public uint RingBlockTimeoutMs => _ring == null ? 0 : _blockTimeoutMs;
    private readonly uint _blockTimeoutMs;
    /// <summary>The socket, for attaching a kernel (classic BPF) filter before the first Next().</summary>
    public int Fd => _fd;

    /// <summary>
    /// Opens and sets up the socket; <paramref name="cancel"/> ends a <see cref="Next"/> that waits for packets.
    /// Throws <see cref="CaptureException"/> with libpcap's wording when the device cannot be captured on.
    /// </summary>
    public AfPacketSource(LiveOptions o, CancellationToken cancel)
    {
        Interface = o.Interface;
        SnapLen = o.SnapLen;
        Nano = o.Nano;
        _cancel = cancel;
        _in = o.Direction == "in";
        _out = o.Direction == "out";
        bool any = o.Interface == "any";

        // Protocol 0: nothing is queued until bind() (below) chooses the interface and ETH_P_ALL.
        int probe = socket(AfPacket, SockRaw | SockCloexec, 0);
        if (probe < 0) throw OpenError(o.Interface, "socket", Marshal.GetLastPInvokeError());
        int hatype;
        try
        {
            _loIfindex = IfIndex(probe, "lo");
            if (any)
            {
                _ifindex = 0;
                hatype = -1;
            }
            else
            {
                _ifindex = IfIndex(probe, o.Interface);
                if (_ifindex <= 0) throw new CaptureException($"{o.Interface}: No such device exists\n(No such device exists)");
                Span<byte> sa = stackalloc byte[24];
                int r = IfReq(probe, SiocGIfHwAddr, o.Interface, sa);
                if (r < 0) throw new CaptureException($"{o.Interface}: SIOCGIFHWADDR: {Error(-r)}");
                hatype = BinaryPrimitives.ReadUInt16LittleEndian(sa);
            }
        }
        catch
        {
            close(probe);
            throw;
        }

        int linkType = any ? LinkTypes.LinuxSll2 : hatype switch
        {
            ArphrdEther or ArphrdLoopback => LinkTypes.Ethernet,
            ArphrdNone => LinkTypes.Raw,
            _ => LinkTypes.LinuxSll,
        };
        if (o.LinkTypeName != null)
        {
            int? named = LinkTypes.FromAnyName(o.LinkTypeName);
            if (named is not int wanted)
            {
                close(probe);
                throw new CaptureException($"invalid data link type {o.LinkTypeName}");
            }
            bool ok = wanted == linkType || any && wanted == LinkTypes.LinuxSll;
            if (!ok)
            {
                close(probe);
                throw new CaptureException($"{o.LinkTypeName} is not one of the DLTs supported by this device");
            }
            linkType = wanted;
        }
        LinkType = linkType;
        DataLinks = any ? [LinkTypes.LinuxSll, LinkTypes.LinuxSll2] : hatype == ArphrdEther ? [LinkTypes.Ethernet, LinkTypes.Docsis] : [linkType];
        _cookedHdr = linkType switch { LinkTypes.LinuxSll => 16, LinkTypes.LinuxSll2 => 20, _ => 0 };
        _vlanOffset = linkType switch { LinkTypes.Ethernet => 12, LinkTypes.LinuxSll => 14, _ => -1 };

        if (_cookedHdr == 0)
        {
            _fd = probe;
        }
        else
        {
            close(probe);
            _fd = socket(AfPacket, SockDgram | SockCloexec, 0);
            if (_fd < 0) throw OpenError(o.Interface, "socket", Marshal.GetLastPInvokeError());
        }

        try
        {
            var sll = new SockaddrLl { Family = AfPacket, Protocol = BinaryPrimitives.ReverseEndianness(EthPAll), IfIndex = _ifindex };
            if (bind(_fd, &sll, (uint)sizeof(SockaddrLl)) != 0)
            {
                int e = Marshal.GetLastPInvokeError();
                if (e == Enetdown) throw new CaptureException($"{o.Interface}: That device is not up");
                throw OpenError(o.Interface, "bind", e);
            }
            // binding to an interface that is down succeeds and leaves ENETDOWN pending on the socket
            int pending = 0;
            uint pendingLen = sizeof(int);
            if (getsockopt(_fd, 1 /* SOL_SOCKET */, 4 /* SO_ERROR */, &pending, &pendingLen) == 0 && pending == Enetdown)
                throw new CaptureException($"{o.Interface}: That device is not up");
            if (o.Promiscuous && !any)
            {
                var mr = new PacketMreq { IfIndex = _ifindex, Type = PacketMrPromisc };
                if (setsockopt(_fd, SolPacket, PacketAddMembership, &mr, (uint)sizeof(PacketMreq)) != 0)
                    throw OpenError(o.Interface, "setsockopt (PACKET_ADD_MEMBERSHIP)", Marshal.GetLastPInvokeError());
            }
            _blockTimeoutMs = BlockTimeoutMs(o);
            _ring = MapRing(_fd, o, out _ringLen, out _blockSize, out _blockNr);
            _pktsLeft = -1;
            if (_ring == null)
            {
                int one = 1; // VLAN tags (and the status) beside each packet, as the ring has them
                setsockopt(_fd, SolPacket, PacketAuxData, &one, sizeof(int));
            }

            _wakeFd = eventfd(0, SockCloexec | 0x800 /* EFD_NONBLOCK */);
            if (_wakeFd >= 0)
            {
                int wfd = _wakeFd;
                _wake = cancel.Register(() => { ulong one = 1; write(wfd, &one, 8); });
            }
            ReadStats(); // start the kernel counters from zero
            _recv = _drops = 0;
        }
        catch
        {
            Release();
            throw;
        }
    }

    private static int IfIndex(int fd, string iface)
    {
        if (iface.Length > 15) return -1;
        Span<byte> r = stackalloc byte[24];
        return IfReq(fd, SiocGIfIndex, iface, r) < 0 ? -1 : BinaryPrimitives.ReadInt32LittleEndian(r);
    }

    private static uint BlockTimeoutMs(LiveOptions o) => o.Immediate ? 1u : 1000u;

    private static CaptureException OpenError(string iface, string what, int errno) => errno switch
    {
        Eperm or Eacces => new CaptureException($"{iface}: You don't have permission to perform this capture on that device\n({what}: {Error(errno)})"),
        Enodev or Enxio => new CaptureException($"{iface}: No such device exists\n({what}: {Error(errno)})"),
        _ => new CaptureException($"{iface}: {what}: {Error(errno)}"),
    };

    /// <summary>Sets up the TPACKET_V3 receive ring; null if the kernel refuses (then recvmsg is used).</summary>
    private static byte* MapRing(int fd, LiveOptions o, out nuint len, out int blockSize, out int blockNr)
    {
        len = 0;
        blockSize = blockNr = 0;
        if (o.NoRing) return null;
        int version = TpacketV3;
        if (setsockopt(fd, SolPacket, PacketVersion, &version, sizeof(int)) != 0) return null;
        // A block must hold the largest packet (64 KiB on loopback and with GRO) after the block and
        // packet headers; blocks are whole pages, powers of two.
        int page = Math.Max(4096, getpagesize());
        int frame = 128 + Math.Min(o.SnapLen, 65536 + 64);
        int size = page;
        while (size < frame) size <<= 1;
        long buffer = o.BufferSizeKb > 0 ? o.BufferSizeKb * 1024 : 2 << 20; // libpcap's default: 2 MiB
        int nr = (int)Math.Clamp(buffer / size, 2, 1 << 16);
        var req = new TpacketReq3
        {
            BlockSize = (uint)size, BlockNr = (uint)nr,
            FrameSize = (uint)size, FrameNr = (uint)nr,
            // Buffer timeout: how long the kernel keeps a partly filled block before handing it over.
            RetireBlkTov = BlockTimeoutMs(o),
        };
        if (setsockopt(fd, SolPacket, PacketRxRing, &req, (uint)sizeof(TpacketReq3)) != 0) return null;
        nuint total = (nuint)size * (nuint)nr;
        void* p = mmap(null, total, ProtRead | ProtWrite, MapShared, fd, 0);
        if (p == (void*)-1)
        {
            var none = new TpacketReq3();
            setsockopt(fd, SolPacket, PacketRxRing, &none, (uint)sizeof(TpacketReq3));
            return null;
        }
        (len, blockSize, blockNr) = (total, size, nr);
        return (byte*)p;
    }

    /// <inheritdoc/>
    public override bool Next(ref PacketHeader h, ref byte[] buf)
    {
        return _ring != null ? NextFromRing(ref h, buf) : NextFromRecv(ref h, buf);
    }

    private bool NextFromRing(ref PacketHeader h, byte[] buf)
    {
        while (true)
        {
            if (_pktsLeft <= 0)
            {
                if (_pktsLeft == 0)
                {
                    // hand the finished block back to the kernel and go on to the next
                    Volatile.Write(ref *(uint*)(BlockAt(_block) + BlockStatus), TpStatusKernel);
                    _block = (_block + 1) % _blockNr;
                    _pktsLeft = -1;
                    if (_lateBlocks > 0 && --_lateBlocks == 0) _lateFilter = null;
                }
                if (_cancel.IsCancellationRequested) return false;
                byte* b = BlockAt(_block);
                if ((Volatile.Read(ref *(uint*)(b + BlockStatus)) & TpStatusUser) == 0)
                {
                    if (!Wait()) return false;
                    continue;
                }
                _pktsLeft = (int)*(uint*)(b + BlockNumPkts);
                _pkt = b + *(uint*)(b + BlockFirstPkt);
                continue;
            }
            byte* hdr = _pkt;
            _pktsLeft--;
            _pkt += *(uint*)(hdr + HdrNextOffset);
            var sll = (SockaddrLl*)(hdr + HdrSockaddr);
            if (!Wanted(sll)) continue;

            uint status = *(uint*)(hdr + HdrStatus);
            int caplen = (int)*(uint*)(hdr + HdrSnapLen);
            uint len = *(uint*)(hdr + HdrLen);
            byte* data = hdr + *(ushort*)(hdr + HdrMac);
            if (_lateFilter != null && !PassesLateFilter(sll, hdr, status, data, caplen, len)) continue;
            h.Seconds = *(uint*)(hdr + HdrSec);
            uint nsec = *(uint*)(hdr + HdrNsec);
            h.Fraction = Nano ? nsec : nsec / 1000;

            int at = WriteCookedHeader(buf, sll);
            caplen = Math.Min(caplen, buf.Length - at - VlanTagLen);
            new ReadOnlySpan<byte>(data, caplen).CopyTo(buf.AsSpan(at));
            if (PutVlanTag(buf, at + caplen, *(uint*)(hdr + HdrVlanTci), *(ushort*)(hdr + HdrVlanTpid), status))
            {
                caplen += VlanTagLen;
                len += VlanTagLen;
            }
            h.Len = len + (uint)at;
            h.CapLen = Math.Min(caplen + at, SnapLen);
            return true;
        }
    }

    /// <summary>
    /// Puts back the 802.1Q tag the driver took out of the frame (the kernel reports it beside the
    /// packet), before the type field; buf holds <paramref name="end"/> bytes and room for 4 more.
    /// </summary>
    private bool PutVlanTag(byte[] buf, int end, uint tci, ushort tpid, uint status)
    {
        if (_vlanOffset < 0 || tci == 0 && (status & TpStatusVlanValid) == 0 || end < _vlanOffset) return false;
        if (tpid == 0 && (status & TpStatusVlanTpidValid) == 0) tpid = 0x8100;
        buf.AsSpan(_vlanOffset, end - _vlanOffset).CopyTo(buf.AsSpan(_vlanOffset + VlanTagLen));
        BinaryPrimitives.WriteUInt16BigEndian(buf.AsSpan(_vlanOffset), tpid);
        BinaryPrimitives.WriteUInt16BigEndian(buf.AsSpan(_vlanOffset + 2), (ushort)tci);
        return true;
    }

    private byte* BlockAt(int i) => _ring + (nint)i * _blockSize;

    /// <summary>
    /// Loopback's outgoing copies (each packet is seen twice on lo) and -Q are decided on sll_pkttype, in
    /// user space as libpcap 1.10 does (so "received by filter" counts the packets -Q drops).
    /// </summary>
    private bool Wanted(SockaddrLl* sll)
    {
        if (sll->PktType == PacketOutgoing)
            return sll->IfIndex != _loIfindex && !_in;
        return !_out;
    }

    /// <summary>Puts the Linux cooked header (v1 or v2) at the start of buf; returns its length.</summary>
    private int WriteCookedHeader(byte[] buf, SockaddrLl* sll)
    {
        if (_cookedHdr == 0) return 0;
        var s = buf.AsSpan(0, _cookedHdr);
        int halen = Math.Min((int)sll->HaLen, 8);
        if (_cookedHdr == 16)
        {
            BinaryPrimitives.WriteUInt16BigEndian(s, sll->PktType);
            BinaryPrimitives.WriteUInt16BigEndian(s[2..], sll->HaType);
            BinaryPrimitives.WriteUInt16BigEndian(s[4..], sll->HaLen);
            s.Slice(6, 8).Clear();
            new ReadOnlySpan<byte>(sll->Addr, halen).CopyTo(s[6..]);
            BinaryPrimitives.WriteUInt16BigEndian(s[14..], BinaryPrimitives.ReverseEndianness(sll->Protocol));
        }
        else
        {
            BinaryPrimitives.WriteUInt16BigEndian(s, BinaryPrimitives.ReverseEndianness(sll->Protocol));
            s[2] = s[3] = 0;
            BinaryPrimitives.WriteInt32BigEndian(s[4..], sll->IfIndex);
            BinaryPrimitives.WriteUInt16BigEndian(s[8..], sll->HaType);
            s[10] = sll->PktType;
            s[11] = sll->HaLen;
            s.Slice(12, 8).Clear();
            new ReadOnlySpan<byte>(sll->Addr, halen).CopyTo(s[12..]);
        }
        return _cookedHdr;
    }

    /// <summary>
    /// The fallback: one recvmsg() per packet, with the PACKET_AUXDATA message (status, VLAN tag) and the
    /// kernel time stamp from SIOCGSTAMPNS.
    /// </summary>
    private bool NextFromRecv(ref PacketHeader h, byte[] buf)
    {
        SockaddrLl from;
        byte* control = stackalloc byte[64];
        while (!_cancel.IsCancellationRequested)
        {
            nint n;
            int at = _cookedHdr;
            var msg = new MsgHdr { Name = &from, NameLen = (uint)sizeof(SockaddrLl), Control = control, ControlLen = 64 };
            fixed (byte* p = buf)
            {
                var iov = new IoVec { Base = p + at, Len = (nuint)(buf.Length - at - VlanTagLen) };
                msg.Iov = &iov;
                msg.IovLen = 1;
                n = recvmsg(_fd, &msg, 0x40 | 0x20 /* MSG_DONTWAIT | MSG_TRUNC */);
            }
            if (n < 0)
            {
                int e = Marshal.GetLastPInvokeError();
                if (e == Eagain || e == Eintr)
                {
                    if (!Wait()) return false;
                    continue;
                }
                throw new CaptureException($"recvmsg: {Error(e)}");
            }
            if (!Wanted(&from)) continue;
            Timespec ts;
            if (ioctl(_fd, SiocGStampNs, &ts) != 0)
            {
                long ticks = DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks;
                ts.Sec = ticks / TimeSpan.TicksPerSecond;
                ts.Nsec = ticks % TimeSpan.TicksPerSecond * 100;
            }
            h.Seconds = ts.Sec;
            h.Fraction = Nano ? ts.Nsec : ts.Nsec / 1000;
            WriteCookedHeader(buf, &from);
            int caplen = (int)Math.Min(n, buf.Length - at - VlanTagLen);
            uint len = (uint)n;
            for (nuint off = 0; off + 16 <= msg.ControlLen;)
            {
                byte* c = control + off;
                nuint clen = *(nuint*)c;
                if (clen < 16) break;
                if (*(int*)(c + 8) == SolPacket && *(int*)(c + 12) == PacketAuxData && clen >= 16 + 20)
                {
                    // struct tpacket_auxdata: tp_status, tp_len, tp_snaplen, tp_mac, tp_net, tp_vlan_tci, tp_vlan_tpid
                    if (PutVlanTag(buf, at + caplen, *(ushort*)(c + 16 + 16), *(ushort*)(c + 16 + 18), *(uint*)(c + 16)))
                    {
                        caplen += VlanTagLen;
                        len += VlanTagLen;
                    }
                }
                off += (clen + 7) & ~(nuint)7;
            }
            h.Len = len + (uint)at;
            h.CapLen = Math.Min(caplen + at, SnapLen);
            return true;
        }
        return false;
    }

    /// <summary>Waits until the socket has data (a retired block) or the capture is cancelled; false when cancelled.</summary>
    private bool Wait()
    {
        PollFd* fds = stackalloc PollFd[2];
        fds[0] = new PollFd { Fd = _fd, Events = PollIn };
        fds[1] = new PollFd { Fd = _wakeFd, Events = PollIn };
        while (true)
        {
            if (_cancel.IsCancellationRequested) return false;
            // without the wake-up eventfd, look at the token every 100 ms
            int r = poll(fds, _wakeFd >= 0 ? 2u : 1u, _wakeFd >= 0 ? -1 : 100);
            if (r < 0)
            {
                int e = Marshal.GetLastPInvokeError();
                if (e == Eintr) continue;
                throw new CaptureException($"can't poll on packet socket: {Error(e)}");
            }
            if (r == 0) continue;
            if (_wakeFd >= 0 && fds[1].REvents != 0) return false;
            short ev = fds[0].REvents;
            if ((ev & PollNval) != 0) throw new CaptureException("Invalid polling request on packet socket");
            if ((ev & PollHup) != 0) throw new CaptureException("Hangup on packet socket");
            if ((ev & PollErr) != 0)
            {
                int err = 0;
                uint l = sizeof(int);
                getsockopt(_fd, 1 /* SOL_SOCKET */, 4 /* SO_ERROR */, &err, &l);
                if (err == Enetdown) throw new CaptureException("The interface went down");
                throw new CaptureException($"Error condition on packet socket: {Error(err)}");
            }
            return true;
        }
    }

    // ---- Kernel packet filter ----
    // A classic BPF program (SO_ATTACH_FILTER on Fd) is attached after the constructor, once the
    // link type is known, and before the first Next(); DiscardQueued() then drops what arrived
    // under no (or the previous) filter, as libpcap drains its ring after setting a filter. (The
    // block the kernel is filling at that moment is not covered: libpcap filters that many blocks
    // in user space; a filter that needs this must do the same.)

    /// <summary>
    /// Attaches a classic BPF program to the socket (SO_ATTACH_FILTER), as libpcap does: first a
    /// reject-all program, then what was queued before it is dropped, then the real program, so
    /// nothing captured before the filter slips through. False when the program must run in user
    /// space: cooked sockets (the kernel's view has no link header; <paramref name="refused"/> is
    /// null), or the kernel refused it (<paramref name="refused"/> says why; the socket is left
    /// unfiltered).
    /// </summary>
    public bool AttachFilter(ReadOnlySpan<Filter.BpfInstruction> prog, out string? refused)
    {
        refused = null;
        if (_cookedHdr != 0) return false;
        ReadOnlySpan<Filter.BpfInstruction> rejectAll = [new((ushort)(Filter.Bpf.Ret | Filter.Bpf.K), 0, 0, 0)];
        if (!SetFilter(rejectAll, out refused)) return false;
        DiscardQueued();
        if (_ring == null)
        {
            byte* scratch = stackalloc byte[2048];
            while (recv(_fd, scratch, 2048, MsgDontwait | MsgTrunc) >= 0) { }
        }
        if (!SetFilter(prog, out refused))
        {
            int zero = 0;
            setsockopt(_fd, SolSocket, SoDetachFilter, &zero, sizeof(int));
            return false;
        }
        ReadStats(); // count from here: what the program lets through
        _recv = _drops = 0;
        // The block the kernel was filling while the reject-all program went in may still hold packets
        // taken before it: as libpcap, run the program in user space over every block until each block
        // of the ring has been handed back once.
        if (_ring != null)
        {
            _lateFilter = prog.ToArray();
            _lateBlocks = _blockNr;
        }
        return true;
    }

    private Filter.BpfInstruction[]? _lateFilter;  // the socket's program, also run here over blocks filled before it
    private int _lateBlocks;                       // blocks still to hand back before _lateFilter is dropped

    /// <summary>The socket's program over a packet as the kernel's filter sees it (VLAN tag stripped, aux data).</summary>
    private bool PassesLateFilter(SockaddrLl* sll, byte* hdr, uint status, byte* data, int caplen, uint len)
    {
        uint tci = *(uint*)(hdr + HdrVlanTci);
        var aux = new Filter.PacketAux
        {
            PktType = sll->PktType, IfIndex = (uint)sll->IfIndex, Protocol = BinaryPrimitives.ReverseEndianness(sll->Protocol),
            VlanTci = (ushort)tci, VlanPresent = tci != 0 || (status & TpStatusVlanValid) != 0,
            VlanTpid = *(ushort*)(hdr + HdrVlanTpid), HaType = sll->HaType,
        };
        return Filter.BpfMachine.Run(_lateFilter, new ReadOnlySpan<byte>(data, caplen), len, in aux, linux: true) != 0;
    }

    private bool SetFilter(ReadOnlySpan<Filter.BpfInstruction> p, out string? error)
    {
        error = null;
        fixed (Filter.BpfInstruction* insns = p)
        {
            var fprog = new SockFprog { Len = (ushort)p.Length, Insns = insns };
            if (setsockopt(_fd, SolSocket, SoAttachFilter, &fprog, (uint)sizeof(SockFprog)) == 0) return true;
            error = Error(Marshal.GetLastPInvokeError());
            return false;
        }
    }

    /// <summary>
    /// Gives every block the kernel has handed over back to it, unread: after a new socket filter is
    /// attached, so that packets queued under the previous one are not delivered.
    /// </summary>
    public void DiscardQueued()
    {
        if (_ring == null) return;
        for (int i = 0; i < _blockNr; i++)
        {
            byte* b = BlockAt(_block);
            if ((Volatile.Read(ref *(uint*)(b + BlockStatus)) & TpStatusUser) == 0) break;
            Volatile.Write(ref *(uint*)(b + BlockStatus), TpStatusKernel);
            _block = (_block + 1) % _blockNr;
            _pktsLeft = -1;
        }
    }

    /// <summary>(received by filter, dropped by kernel) since open, from PACKET_STATISTICS (which resets on every read).</summary>
    public (ulong Received, ulong Dropped) ReadStats()
    {
        uint* st = stackalloc uint[3]; // struct tpacket_stats_v3; tp_packets already includes tp_drops
        uint len = 12;
        if (_fd >= 0 && getsockopt(_fd, SolPacket, PacketStatistics, st, &len) == 0 && len >= 8)
        {
            _recv += st[0];
            _drops += st[1];
        }
        return (_recv, _drops);
    }

    private int _released;

    /// <summary>
    /// Unmaps the ring and closes the descriptors, once: a second close() of a number the process
    /// has since reused would close someone else's file or socket.
    /// </summary>
    private void Release()
    {
        if (Interlocked.Exchange(ref _released, 1) != 0) return;
        _wake.Dispose();
        if (_ring != null) munmap(_ring, _ringLen);
        if (_wakeFd >= 0) close(_wakeFd);
        if (_fd >= 0) close(_fd);
    }

    /// <summary>Unmaps the ring and closes the socket.</summary>
    public override void Dispose() => Release();
}
