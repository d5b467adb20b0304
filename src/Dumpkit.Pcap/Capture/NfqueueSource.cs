// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Buffers.Binary;

namespace Dumpkit.Pcap.Capture;

/// <summary>
/// Live capture from netfilter queues (<c>-i nfqueue</c>, <c>-i nfqueue:QUEUE[,QUEUE...]</c>): a NETLINK_NETFILTER socket
/// bound to the queues in packet-copy mode (copy range the snap length), as libpcap's netfilter source sets it up. Each
/// queued packet's NFQA_PAYLOAD is delivered as raw IP (LINKTYPE_IPV4, the only link type) and the packet is handed back
/// to the kernel with an NF_ACCEPT verdict, whether or not the filter kept it, so traffic flows on. The verdict needs
/// CAP_NET_ADMIN at the time it is sent: once privileges are dropped (tcpdump without <c>-Z root</c>) it fails silently,
/// as libpcap's does, and the packets stay queued.
/// </summary>
public sealed class NfqueueSource : NetfilterSource
{
    private const ushort SubsysQueue = 3, MsgPacket = 0, MsgVerdict = 1, MsgConfig = 2;
    private const byte CmdBind = 1, CmdPfBind = 3, CmdPfUnbind = 4, CopyPacket = 2;
    private const ushort AttrCfgCmd = 1, AttrCfgParams = 2, AttrPacketHdr = 1, AttrVerdictHdr = 2, AttrPayload = 10;
    private const uint NfAccept = 1;

    /// <summary>True when <paramref name="device"/> names a netfilter queue device (<c>nfqueue</c> or <c>nfqueue:...</c>).</summary>
    public static bool IsNfqueue(string device) => Matches(device, "nfqueue");

    /// <summary>The link types -L lists: IPV4.</summary>
    public override int[] DataLinks { get; } = [LinkTypes.Ipv4];

    private protected override ushort PacketMessage => SubsysQueue << 8 | MsgPacket;

    private protected override ushort PayloadAttribute => AttrPayload;

    /// <summary>
    /// Parses the queue numbers, opens and binds the socket. Throws <see cref="CaptureException"/> with libpcap's message.
    /// <paramref name="linkTypeName"/> (-y) may only be IPV4.
    /// </summary>
    public NfqueueSource(string device, int snapLen, string? linkTypeName, long bufferSizeKb, CancellationToken cancel)
        : base(device, 7, snapLen, [LinkTypes.Ipv4], cancel, out var groups)
    {
        try
        {
            Command(0, CmdPfUnbind, 2 /* AF_INET */, "NFQNL_CFG_CMD_PF_UNBIND");
            Command(0, CmdPfBind, 2, "NFQNL_CFG_CMD_PF_BIND");
            Span<byte> mode = stackalloc byte[5]; // nfqnl_msg_config_params, packed
            foreach (ushort g in groups)
            {
                Command(g, CmdBind, 0, "Can't listen on group index");
                BinaryPrimitives.WriteUInt32BigEndian(mode, (uint)SnapLen);
                mode[4] = CopyPacket;
                if (!Send(SubsysQueue << 8 | MsgConfig, 0, g, AttrCfgParams, mode, true, out int e))
                    throw new CaptureException($"NFQNL_COPY_PACKET: {LinuxPacket.Error(e)}");
            }
            Finish(bufferSizeKb);
            if (linkTypeName != null) SetLinkType(linkTypeName);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>NFQA_CFG_CMD (nfqnl_msg_config_cmd: command, pad, protocol family) for queue <paramref name="group"/>.</summary>
    private void Command(ushort group, byte cmd, ushort pf, string what)
    {
        Span<byte> data = [cmd, 0, 0, 0];
        BinaryPrimitives.WriteUInt16BigEndian(data[2..], pf);
        if (!Send(SubsysQueue << 8 | MsgConfig, 0, group, AttrCfgCmd, data, true, out int e))
            throw new CaptureException($"{what}: {LinuxPacket.Error(e)}");
    }

    /// <summary>NF_ACCEPT for the packet (its id from NFQA_PACKET_HDR, 0 without one), to the queue it came from; no acknowledgement.</summary>
    private protected override void Delivered(ReadOnlySpan<byte> message)
    {
        if (message.Length < 20) return;
        ushort queue = BinaryPrimitives.ReadUInt16BigEndian(message[18..]);
        uint id = 0;
        int a = 20, left = message.Length - 20;
        while (left >= 4)
        {
            int alen = BinaryPrimitives.ReadUInt16LittleEndian(message[a..]);
            if (alen < 4 || alen > left) break;
            if ((BinaryPrimitives.ReadUInt16LittleEndian(message[(a + 2)..]) & 0x7fff) == AttrPacketHdr && alen >= 8)
                id = BinaryPrimitives.ReadUInt32BigEndian(message[(a + 4)..]);
            int step = (alen + 3) & ~3;
            a += step;
            left -= step;
        }
        Span<byte> verdict = stackalloc byte[8]; // nfqnl_msg_verdict_hdr: verdict, id
        BinaryPrimitives.WriteUInt32BigEndian(verdict, NfAccept);
        BinaryPrimitives.WriteUInt32BigEndian(verdict[4..], id);
        Send(SubsysQueue << 8 | MsgVerdict, 0, queue, AttrVerdictHdr, verdict, false, out _);
    }
}
