// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.IO.Compression;
using System.Text;
using Dumpkit.Kdump.Initrd;

namespace Dumpkit.Kdump.Tests.Initrd;

/// <summary>
/// <c>kdump initrd</c> with SSH=: the image carries OpenSSH's client with every shared object ldd lists for it, the SSH_KEY
/// (mode 0600), the known hosts and root in /etc/passwd; a key ssh itself would refuse (ssh-keygen -y is the judge) is
/// refused when the image is built, naming the file.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public class InitrdSshTests
{
    private const string Kver = "6.1.0-56-amd64";
    private const string Ssh = "/usr/bin/ssh", Keygen = "/usr/bin/ssh-keygen";

    private static (FakeSystem F, string Kmoddir) Machine()
    {
        var f = new FakeSystem();
        f.WriteRoot("proc/self/mountinfo", "26 1 253:1 / / rw - ext4 /dev/vda1 rw\n");
        f.WriteRoot($"lib/modules/{Kver}/modules.dep", "kernel/drivers/net/virtio_net.ko:\n");
        f.WriteRoot($"lib/modules/{Kver}/kernel/drivers/net/virtio_net.ko", "\x7F" + "ELF fake module virtio_net");
        return (f, Path.Combine(f.Root, "lib/modules", Kver));
    }

    private static int Initrd(FakeSystem f, params string[] args) => InitrdCommand.Run(args, f.Host, "/usr/bin/true", "/bin/busybox");

    /// <summary>A new ed25519 key made by ssh-keygen, with the given mode.</summary>
    private static string NewKey(FakeSystem f, string name, UnixFileMode mode)
    {
        string key = f.Dir[name];
        var r = RealData.Run(Keygen, ["-q", "-t", "ed25519", "-N", "", "-C", "dumpkit-test", "-f", key]);
        Assert.True(r.ExitCode == 0, r.Err);
        File.SetUnixFileMode(key, mode);
        return key;
    }

    private static List<CpioEntry> Entries(string image)
    {
        using var gz = new GZipStream(new MemoryStream(File.ReadAllBytes(image)), CompressionMode.Decompress);
        var raw = new MemoryStream();
        gz.CopyTo(raw);
        return CpioReader.Read(raw.ToArray());
    }

    /// <summary>The files ldd says ssh loads: "NAME => PATH (ADDR)" and the loader "PATH (ADDR)"; not the vDSO.</summary>
    private static List<string> LddFiles(string program)
    {
        var r = RealData.Run("/usr/bin/ldd", [program]);
        Assert.True(r.ExitCode == 0, r.Err);
        var files = new List<string>();
        foreach (var line in r.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            int arrow = line.IndexOf("=> ", StringComparison.Ordinal);
            string rest = arrow >= 0 ? line[(arrow + 3)..] : line;
            if (rest.StartsWith('/')) files.Add(rest[..rest.IndexOf(' ')]);
        }
        return files;
    }

    [SkippableFact]
    public void SshTargetCarriesTheClientItsLibrariesTheKeyAndTheKnownHosts()
    {
        Skip.IfNot(File.Exists("/bin/busybox") && File.Exists("/usr/bin/true"), "busybox-static or /usr/bin/true missing");
        Skip.IfNot(File.Exists(Ssh) && File.Exists(Keygen), "openssh-client is not installed");
        var (f, kmod) = Machine();
        using var _ = f;
        string key = NewKey(f, "kdump_id", UnixFileMode.UserRead | UnixFileMode.UserWrite);
        string known = f.MakeFile("known_hosts", Encoding.UTF8.GetBytes("[10.0.2.2]:2222 " + File.ReadAllText(key + ".pub")));
        string cfg = f.MakeFile("dumpkit.conf", Encoding.UTF8.GetBytes(
            $"SSH=ssh://root@10.0.2.2:2222\nSSH_KEY={key}\nKDUMP_SSH_KNOWN_HOSTS={known}\nKDUMP_COREDIR=/srv/crash\n"));
        string img = f.Dir["ssh.img"];
        Assert.Equal(0, Initrd(f, "--config", cfg, "initrd", "-o", img, "--kmoddir", kmod, Kver));
        var entries = Entries(img);
        CpioEntry Entry(string name) => entries.Single(e => e.Name == name);
        string Text(string name) => Encoding.UTF8.GetString(Entry(name).Data);

        Assert.Equal(File.ReadAllBytes(Ssh), Entry("usr/bin/ssh").Data);
        Assert.Equal(0x81EDu, Entry("usr/bin/ssh").Mode);
        var libs = LddFiles(Ssh);
        Assert.Contains(libs, l => l.EndsWith("/libcrypto.so.3", StringComparison.Ordinal));
        foreach (var lib in libs)
            Assert.Equal(File.ReadAllBytes(lib), Entry(lib.TrimStart('/')).Data);

        var copy = Entry("etc/dumpkit/ssh-key");
        Assert.Equal(File.ReadAllBytes(key), copy.Data);
        Assert.Equal(0x8180u, copy.Mode);
        Assert.Equal(File.ReadAllBytes(known), Entry("root/.ssh/known_hosts").Data);
        Assert.Equal(0x41C0u, Entry("root/.ssh").Mode);
        Assert.StartsWith("root:x:0:0:root:/root:", Text("etc/passwd"));
        Assert.Equal(CpioEntry.TypeCharDevice, Entry("dev/null").Type);

        // the image's configuration: the file's, then the client and key in the image (a later assignment wins)
        var inImage = KdumpConfig.Parse(Text("etc/default/dumpkit"));
        Assert.Equal("ssh://root@10.0.2.2:2222", inImage.Ssh);
        Assert.Equal("/etc/dumpkit/ssh-key", inImage.SshKey);
        Assert.Equal("/usr/bin/ssh", inImage.SshCommand);
        Assert.Equal("/srv/crash", inImage.CoreDir);
        Assert.Contains("FSTYPE='ssh'\n", Text("etc/dumpkit/initrd.sh"));
        Assert.Contains("udhcpc -i", Text("init"));
        Assert.Contains("virtio_net.ko", Text($"lib/modules/{Kver}/dumpkit.load"));

        // ssh accepts the copy as it is in the image (mode 0600): ssh-keygen -y derives the same public key from it
        string extracted = f.Dir["extracted-key"];
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = (UnixFileMode)(copy.Mode & 0x1FF) };
        using (var fs = new FileStream(extracted, options)) fs.Write(copy.Data);
        var pub = RealData.Run(Keygen, ["-y", "-f", extracted]);
        Assert.True(pub.ExitCode == 0, pub.Err);
        Assert.Equal(File.ReadAllText(key + ".pub").Split(' ')[1], pub.Out.Split(' ')[1].Trim());

        // the stamp records the key: a new key makes the image stale
        var stamp = InitrdStamp.Read(img)!;
        Assert.Null(stamp.Change(stamp.Now(cfg)));
        File.Delete(key);
        File.Delete(key + ".pub");
        NewKey(f, "kdump_id", UnixFileMode.UserRead | UnixFileMode.UserWrite);
        Assert.Equal($"the key {key} changed", stamp.Change(stamp.Now(cfg)));
    }

    /// <summary>For each mode, the image is refused exactly when ssh itself refuses the key (ssh-keygen -y reads it as ssh
    /// does), with one line naming SSH_KEY and the file.</summary>
    [SkippableFact]
    public void AKeySshWouldRefuseIsRefusedNamingTheFile()
    {
        Skip.IfNot(File.Exists("/bin/busybox") && File.Exists("/usr/bin/true"), "busybox-static or /usr/bin/true missing");
        Skip.IfNot(File.Exists(Ssh) && File.Exists(Keygen), "openssh-client is not installed");
        var (f, kmod) = Machine();
        using var _ = f;
        string known = f.MakeFile("known_hosts", Encoding.UTF8.GetBytes("server ssh-ed25519 AAAA\n"));
        int refused = 0;
        foreach (var mode in new[] { 0x180, 0x100, 0x1A0, 0x184, 0x1A4, 0x1B6, 0x1C0 })
        {
            string key = NewKey(f, $"key-{mode:x}", (UnixFileMode)mode);
            bool sshRefuses = RealData.Run(Keygen, ["-y", "-f", key]).ExitCode != 0;
            string cfg = f.MakeFile($"dumpkit-{mode:x}.conf", Encoding.UTF8.GetBytes($"SSH=root@server\nSSH_KEY={key}\nKDUMP_SSH_KNOWN_HOSTS={known}\n"));
            string img = f.Dir[$"x-{mode:x}.img"];
            f.Err.GetStringBuilder().Clear();
            int rc = Initrd(f, "--config", cfg, "initrd", "-o", img, "--kmoddir", kmod, Kver);
            Assert.Equal(sshRefuses ? 1 : 0, rc);
            Assert.Equal(!sshRefuses, File.Exists(img));
            if (sshRefuses)
            {
                refused++;
                string octal = Convert.ToString(mode, 8);
                Assert.Equal($"kdump: initrd: SSH_KEY={key}: Permissions 0{octal} for '{key}' are too open: " +
                    "ssh ignores a private key others can read (chmod 600 it)\n", f.Err.ToString());
            }
        }
        Assert.InRange(refused, 1, 6); // both outcomes seen
    }

    [SkippableFact]
    public void NoKeyOrNoKnownHostsIsRefusedNamingTheKey()
    {
        Skip.IfNot(File.Exists(Keygen), "openssh-client is not installed");
        var (f, kmod) = Machine();
        using var _ = f;
        string noKey = f.MakeFile("nokey.conf", Encoding.UTF8.GetBytes("SSH=root@server\n"));
        Assert.Equal(1, Initrd(f, "--config", noKey, "initrd", "-o", f.Dir["x.img"], "--kmoddir", kmod, Kver));
        Assert.Equal("kdump: initrd: SSH=root@server: set SSH_KEY to the private key the capture initramfs carries for ssh\n", f.Err.ToString());
        f.Err.GetStringBuilder().Clear();
        string key = NewKey(f, "kdump_id", UnixFileMode.UserRead | UnixFileMode.UserWrite);
        string missing = f.Dir["no/known_hosts"];
        string cfg = f.MakeFile("dumpkit.conf", Encoding.UTF8.GetBytes($"SSH=root@server\nSSH_KEY={key}\nKDUMP_SSH_KNOWN_HOSTS={missing}\n"));
        Assert.Equal(1, Initrd(f, "--config", cfg, "initrd", "-o", f.Dir["x.img"], "--kmoddir", kmod, Kver));
        Assert.Equal($"kdump: initrd: KDUMP_SSH_KNOWN_HOSTS={missing}: No such file or directory (ssh in the capture initramfs must know the host " +
            "key of root@server: connect to it once as root, or set KDUMP_SSH_KNOWN_HOSTS)\n", f.Err.ToString());
        Assert.False(File.Exists(f.Dir["x.img"]));
    }

    [SkippableFact]
    // A FIFO as the key or the known hosts: refused at once, naming the key (open(2) of a FIFO without a writer never returns).
    public void AFifoAsTheKeyOrTheKnownHostsIsRefusedWithoutWaiting()
    {
        Skip.IfNot(File.Exists(Keygen) && File.Exists("/usr/bin/mkfifo"), "openssh-client or mkfifo missing");
        var (f, kmod) = Machine();
        using var _ = f;
        string fifo = f.Dir["fifo"];
        Assert.Equal(0, RealData.Run("/usr/bin/mkfifo", [fifo]).ExitCode);
        string key = NewKey(f, "kdump_id", UnixFileMode.UserRead | UnixFileMode.UserWrite);
        string known = f.MakeFile("known_hosts", Encoding.UTF8.GetBytes("server ssh-ed25519 AAAA\n"));
        foreach (var (conf, line) in new[]
        {
            ($"SSH=root@server\nSSH_KEY={fifo}\nKDUMP_SSH_KNOWN_HOSTS={known}\n", $"kdump: initrd: SSH_KEY={fifo}: not a regular file\n"),
            ($"SSH=root@server\nSSH_KEY={key}\nKDUMP_SSH_KNOWN_HOSTS={fifo}\n", $"kdump: initrd: KDUMP_SSH_KNOWN_HOSTS={fifo}: not a regular file\n"),
        })
        {
            string cfg = f.MakeFile("fifo.conf", Encoding.UTF8.GetBytes(conf));
            f.Err.GetStringBuilder().Clear();
            var run = Task.Run(() => Initrd(f, "--config", cfg, "initrd", "-o", f.Dir["x.img"], "--kmoddir", kmod, Kver));
            Assert.True(run.Wait(TimeSpan.FromMinutes(2)), "kdump initrd blocked opening a FIFO");
            Assert.Equal(1, run.Result);
            Assert.Equal(line, f.Err.ToString());
            Assert.False(File.Exists(f.Dir["x.img"]));
        }
    }
}
