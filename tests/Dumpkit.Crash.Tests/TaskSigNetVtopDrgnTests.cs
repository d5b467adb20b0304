// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Globalization;

namespace Dumpkit.Crash.Tests;

/// <summary>
/// <c>foreach sig</c>, <c>net</c> and <c>vtop</c> against drgn 0.0.22 (python3-drgn, with the Debian debug vmlinux)
/// on the 6.1 and 6.12 corpus dumps and the two crash-dumps, every task (crash 8.0.2 sees 3 of 57 tasks on 6.1 and
/// refuses 6.12): each task's signal_struct, thread count and the handler, flags and mask of all 64 sigactions; the
/// devices of init_net with their IPv4 addresses; and for each task's task_struct (direct map), kernel stack
/// (vmalloc) and, for a process, the page at its user stack pointer: the physical address our <c>vtop</c> gives
/// holds (our <c>rd -p</c>) the bytes drgn reads at the virtual address through the kernel's (or the mm's) page tables.
/// </summary>
public class TaskSigNetVtopDrgnTests
{
    private const string Script = """
        from drgn import Object
        from drgn.helpers.linux.pid import for_each_task
        from drgn.helpers.linux.list import list_for_each_entry
        from drgn.helpers.linux.mm import access_remote_vm
        regs_size = prog.type('struct pt_regs').size
        def words(b):
            return '%x %x' % (int.from_bytes(b[0:8], 'little'), int.from_bytes(b[8:16], 'little'))
        for t in for_each_task(prog):
            acts = ['%x:%x:%x' % (a.sa.sa_handler.value_(), a.sa.sa_flags.value_(), a.sa.sa_mask.sig[0].value_()) for a in t.sighand.action]
            print('S', '%x' % t.value_(), '%x' % t.signal.value_(), t.signal.nr_threads.value_(), ' '.join(acts))
            for a in (t.value_(), t.stack.value_() + 4096):
                print('K', '%x' % t.value_(), '%x' % a, words(prog.read(a, 16)))
            if t.mm:
                regs = Object(prog, 'struct pt_regs', address=t.stack.value_() + 16384 - regs_size)
                sp = regs.sp.value_() & ~0xf
                try:
                    print('U', '%x' % t.value_(), '%x' % sp, words(access_remote_vm(t.mm, sp, 16)))
                except Exception:
                    pass
        for d in list_for_each_entry('struct net_device', prog['init_net'].dev_base_head.address_of_(), 'dev_list'):
            ips = []
            ifa = d.ip_ptr.ifa_list if d.ip_ptr else None
            while ifa:
                ips.append('.'.join(str(x) for x in ifa.ifa_address.value_().to_bytes(4, 'little')))
                ifa = ifa.ifa_next
            print('N', '%x' % d.value_(), d.name.string_().decode(), ','.join(ips))
        """;

    [SkippableTheory]
    [InlineData(RealData.Kernel61, false)]
    [InlineData(RealData.Kernel612, false)]
    [InlineData(RealData.CrashKernel61, true)]
    [InlineData(RealData.CrashKernel612, true)]
    public void SigNetAndVtopAgreeWithTheKernelThroughDrgn(string kernel, bool crashDump)
    {
        var vmlinux = CrashRunner.RequireVmlinux(kernel);
        var dump = crashDump ? RealData.CrashDump(kernel, "vmcore.elf") : RealData.Kernel(kernel, "vmcore.elf");
        RealData.Tool("/usr/bin/python3");
        Skip.IfNot(RealData.Run("/usr/bin/python3", ["-c", "import drgn"]).ExitCode == 0, "python3-drgn is not installed");
        var dir = Directory.CreateTempSubdirectory("dumpkit-sig-drgn-");
        try
        {
            var script = Path.Combine(dir.FullName, "sig.py");
            File.WriteAllText(script, Script);
            var drgn = RealData.Run("/usr/bin/python3", ["-m", "drgn", "-q", "-c", dump, "-s", vmlinux, script]);
            Assert.True(drgn.ExitCode == 0, drgn.Err);
            var lines = drgn.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(' ')).ToList();

            // signal handling: every task drgn lists, all 64 actions
            var sig = CrashRunner.OursPerCommand(dump, ["foreach sig", "net"]);
            var ours = ParseSig(sig[0]);
            var tasks = lines.Where(l => l[0] == "S").ToList();
            Assert.NotEmpty(tasks);
            foreach (var l in tasks)
            {
                Assert.True(ours.TryGetValue(l[1], out var mine), $"task {l[1]} is not in foreach sig");
                Assert.Equal($"{l[2]} {l[3]}", mine.Header);
                Assert.Equal(l.Skip(4), mine.Actions);
            }

            // net: the devices and addresses, in list order
            var devices = lines.Where(l => l[0] == "N").Select(l => $"{l[1]} {l[2]} {(l.Length > 3 ? l[3] : "")}".TrimEnd()).ToList();
            var ourDevices = sig[1].Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1)
                .Select(r => r.Split(" ", 3, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                .Select(f => $"{f[0]} {f[1]} {(f.Length > 2 ? f[2].Replace(", ", ",", StringComparison.Ordinal) : "")}".TrimEnd()).ToList();
            Assert.NotEmpty(devices);
            Assert.Equal(devices, ourDevices);

            // vtop: the bytes at our physical address are drgn's at the virtual address
            var probes = lines.Where(l => l[0] is "K" or "U").ToList();
            var pids = ParsePids(CrashRunner.OursPerCommand(dump, ["ps"])[0]);
            var vtops = probes.Select(l => l[0] == "K" ? $"vtop {l[2]}" : $"vtop -c {l[1]} -u {l[2]}").ToList();
            var translated = CrashRunner.OursPerCommand(dump, vtops);
            var physical = translated.Select(t => t.Split('\n')[1].Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]).ToList();
            var reads = CrashRunner.OursPerCommand(dump, physical.Select(p => $"rd -p -x {p} 2").ToList());
            int user = 0;
            for (int i = 0; i < probes.Count; i++)
            {
                Assert.False(reads[i].StartsWith("rd:", StringComparison.Ordinal), $"{vtops[i]}: {translated[i]}\n{reads[i]}");
                var got = reads[i].Split(':')[1].Split([' ', '\n'], StringSplitOptions.RemoveEmptyEntries)
                    .Select(w => ulong.Parse(w, NumberStyles.HexNumber, CultureInfo.InvariantCulture).ToString("x", CultureInfo.InvariantCulture));
                Assert.True(got.SequenceEqual(probes[i][3..5]), $"{vtops[i]} (pid {pids.GetValueOrDefault(probes[i][1])}): {translated[i]}\n{reads[i]}");
                user += probes[i][0] == "U" ? 1 : 0;
            }
            Assert.True(user > 0, "no user stack was checked");
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    /// <summary>Per task address: "SIGNAL_STRUCT NR_THREADS" and each action as "handler:flags:mask".</summary>
    private static Dictionary<string, (string Header, List<string> Actions)> ParseSig(string output)
    {
        var result = new Dictionary<string, (string, List<string>)>();
        string? task = null;
        string header = "";
        List<string> actions = [];
        foreach (var line in output.Split('\n'))
        {
            var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (line.StartsWith("PID: ", StringComparison.Ordinal))
            {
                task = f[3];
                actions = [];
                result[task] = ("", actions);
            }
            else if (line.StartsWith("SIGNAL_STRUCT: ", StringComparison.Ordinal) && task is not null)
            {
                header = $"{f[1]} {f[3]}";
                result[task] = (header, actions);
            }
            else if (line.Length > 4 && line.TrimStart().StartsWith('[') && task is not null)
            {
                // [N] SIGACTION HANDLER MASK FLAGS [(names)]; [ 1] prints as " [1]"
                var handler = f[2] switch { "SIG_DFL" => "0", "SIG_IGN" => "1", "SIG_ERR" => "ffffffffffffffff", var h => h };
                actions.Add($"{handler}:{f[4]}:{ulong.Parse(f[3], NumberStyles.HexNumber, CultureInfo.InvariantCulture):x}");
            }
        }
        return result;
    }

    private static Dictionary<string, string> ParsePids(string ps) =>
        ps.Split('\n').Skip(1).Select(l => l.TrimStart('>').Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(f => f.Length > 4).GroupBy(f => f[3]).ToDictionary(g => g.Key, g => g.First()[0]);
}
