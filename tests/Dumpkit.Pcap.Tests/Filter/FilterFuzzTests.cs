// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using Dumpkit.Pcap.Capture;
using Dumpkit.Pcap.Filter;
using Xunit.Abstractions;

namespace Dumpkit.Pcap.Tests.Filter;

/// <summary>
/// Seeded random inputs (DUMPKIT_FUZZ_SEED to reproduce): expressions never make the compiler fail other than with
/// a FilterException (libpcap's clean errors), and no program or packet makes the interpreter throw or run away.
/// </summary>
public class FilterFuzzTests(ITestOutputHelper log)
{
    private static int Seed => int.TryParse(Environment.GetEnvironmentVariable("DUMPKIT_FUZZ_SEED"), out var s) ? s : 20261126;

    private static readonly int[] Dlts = [LinkTypes.Ethernet, LinkTypes.LinuxSll, LinkTypes.LinuxSll2, LinkTypes.Null,
        LinkTypes.Loop, LinkTypes.Raw, LinkTypes.Ipv4, LinkTypes.Ipv6];

    private static readonly string[] Words =
    [
        "ip", "ip6", "arp", "rarp", "tcp", "udp", "sctp", "icmp", "icmp6", "igmp", "pim", "vrrp", "ah", "esp", "ether", "link",
        "host", "net", "port", "portrange", "src", "dst", "proto", "protochain", "gateway", "and", "or", "not", "&&", "||", "!",
        "(", ")", "[", "]", ":", "=", "==", "!=", "<", ">", "<=", ">=", "+", "-", "*", "/", "%", "&", "|", "^", "<<", ">>",
        "len", "less", "greater", "broadcast", "multicast", "vlan", "mpls", "pppoed", "pppoes", "geneve", "inbound",
        "outbound", "ifindex", "mask", "byte", "tcpflags", "tcp-syn", "icmptype", "icmp-echo", "icmp6type", "iso", "isis",
        "l1", "stp", "ipx", "decnet", "atalk", "0", "1", "2", "4", "80", "53", "0x800", "65535", "70000", "4294967295",
        "10.0.0.1", "10.0.0.0/8", "192.168", "::1", "fe80::/10", "00:11:22:33:44:55", "localhost", "http", "domain",
        "ftp-data", "1-1023", "\\tcp", "\\ip", "foo", "llc", "type", "radio", "on", "vpi", "fisu",
    ];

    [Fact]
    public void RandomTokenSequencesOnlyFailCleanly()
    {
        var rnd = new Random(Seed);
        var names = new Names(useResolver: false);
        int compiled = 0, refused = 0;
        var pkt = new byte[1600];
        for (int iter = 0; iter < 6000; iter++)
        {
            int n = rnd.Next(1, 14);
            var expr = string.Join(' ', Enumerable.Range(0, n).Select(_ => Words[rnd.Next(Words.Length)]));
            int dlt = Dlts[rnd.Next(Dlts.Length)];
            var target = new FilterTarget(dlt) { Netmask = 0, FromFile = rnd.Next(2) == 0, LinuxExtensions = rnd.Next(2) == 0 };
            BpfInstruction[] prog;
            try { prog = FilterCompiler.Compile(expr, target, rnd.Next(2) == 0, names); }
            catch (FilterException) { refused++; continue; }
            compiled++;
            Assert.NotEmpty(prog);
            Assert.Equal(Bpf.Ret, Bpf.Class(prog[^1].Code));
            for (int k = 0; k < 4; k++)
            {
                rnd.NextBytes(pkt);
                int len = rnd.Next(pkt.Length);
                BpfMachine.Run(prog, pkt.AsSpan(0, len), (uint)len);
            }
        }
        log.WriteLine($"seed {Seed}: {compiled} token sequences compiled, {refused} refused with a message");
        Assert.True(compiled > 30 && refused > 1000, $"{compiled} compiled, {refused} refused");
    }

    [Fact]
    public void RandomTextOnlyFailsCleanly()
    {
        var rnd = new Random(Seed + 1);
        const string Alphabet = "abcdefghijklmnopqrstuvwxyz0123456789 .:-/_[]()!&|=<>+*%^\\$x\t\n@#'\"";
        var names = new Names(useResolver: false);
        int refused = 0;
        for (int iter = 0; iter < 6000; iter++)
        {
            var chars = new char[rnd.Next(0, 40)];
            for (int i = 0; i < chars.Length; i++) chars[i] = Alphabet[rnd.Next(Alphabet.Length)];
            try { FilterCompiler.Compile(new string(chars), new FilterTarget(Dlts[rnd.Next(Dlts.Length)]) { Netmask = 0 }, true, names); }
            catch (FilterException) { refused++; }
        }
        Assert.True(refused > 1000);
    }

    [Fact]
    public void RandomProgramsAndPacketsNeverCrashTheInterpreter()
    {
        var rnd = new Random(Seed + 2);
        var pkt = new byte[512];
        int[] classes = [Bpf.Ld, Bpf.Ldx, Bpf.St, Bpf.Stx, Bpf.Alu, Bpf.Jmp, Bpf.Ret, Bpf.Misc];
        int validated = 0;
        for (int iter = 0; iter < 20000; iter++)
        {
            var prog = new BpfInstruction[rnd.Next(1, 24)];
            for (int i = 0; i < prog.Length; i++)
            {
                int code = rnd.Next(4) == 0 ? rnd.Next(0x10000) : classes[rnd.Next(classes.Length)] | rnd.Next(0x100) & 0xf8;
                uint k = rnd.Next(3) switch
                {
                    0 => (uint)rnd.Next(64),
                    1 => (uint)rnd.Next(int.MinValue, int.MaxValue),
                    _ => Bpf.SkfAdOff + (uint)rnd.Next(64),
                };
                prog[i] = new BpfInstruction((ushort)code, (byte)rnd.Next(256), (byte)rnd.Next(256), k);
            }
            if (BpfMachine.Validate(prog)) validated++;
            rnd.NextBytes(pkt);
            int len = rnd.Next(pkt.Length);
            var aux = new PacketAux { VlanPresent = rnd.Next(2) == 0, VlanTci = (ushort)rnd.Next(), PktType = (ushort)rnd.Next(8) };
            BpfMachine.Run(prog, pkt.AsSpan(0, len), (uint)rnd.Next(), in aux, rnd.Next(2) == 0);
        }
        log.WriteLine($"seed {Seed}: {validated} of 20000 random programs pass the kernel's checks");
    }

    [Fact]
    public void LoopingProgramIsStoppedAndOutOfBoundsLoadsReject()
    {
        // ja -1 loops forever in libpcap's interpreter; ours gives up after its step budget
        BpfInstruction[] loop = [new(Bpf.Jmp | Bpf.Ja, 0, 0, 0xffffffff), new(Bpf.Ret | Bpf.K, 0, 0, 1)];
        Assert.Equal(0u, BpfMachine.Run(loop, new byte[10], 10));
        Assert.False(BpfMachine.Validate(loop));
        BpfInstruction[] load = [new(Bpf.Ld | Bpf.W | Bpf.Abs, 0, 0, 8), new(Bpf.Ret | Bpf.K, 0, 0, 99)];
        Assert.Equal(99u, BpfMachine.Run(load, new byte[12], 12));
        Assert.Equal(0u, BpfMachine.Run(load, new byte[11], 64));
        BpfInstruction[] ind = [new(Bpf.Ldx | Bpf.Imm, 0, 0, 0xfffffffe), new(Bpf.Ld | Bpf.H | Bpf.Ind, 0, 0, 4), new(Bpf.Ret | Bpf.K, 0, 0, 99)];
        Assert.Equal(0u, BpfMachine.Run(ind, new byte[12], 12));
        BpfInstruction[] div = [new(Bpf.Ldx | Bpf.Imm, 0, 0, 0), new(Bpf.Alu | Bpf.Div | Bpf.X, 0, 0, 0), new(Bpf.Ret | Bpf.K, 0, 0, 99)];
        Assert.Equal(0u, BpfMachine.Run(div, new byte[12], 12));
    }
}
