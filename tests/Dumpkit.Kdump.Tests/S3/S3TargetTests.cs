// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using Dumpkit.Kdump.S3;

namespace Dumpkit.Kdump.Tests.S3;

/// <summary>KDUMP_S3* keys and the credentials file: what is refused names the key or the file.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public class S3TargetTests
{
    [Fact]
    public void ParsesEndpointBucketAndPrefix()
    {
        var t = S3Target.FromConfig(KdumpConfig.Parse("KDUMP_S3=http://10.0.2.2:7480/dumps/site/a\nKDUMP_S3_REGION=eu-west-1\nKDUMP_S3_PART_SIZE=16\n"))!;
        Assert.Equal(("10.0.2.2", 7480, "dumps", "site/a", "eu-west-1", 16 << 20), (t.Host, t.Port, t.Bucket, t.Prefix, t.Region, t.PartSize));
        Assert.Equal("10.0.2.2:7480", t.HostHeader);
        Assert.Equal("site/a/x", t.Key("x"));
        Assert.Null(S3Target.FromConfig(KdumpConfig.Parse("SSH=a@b\n")));
    }

    [Theory]
    [InlineData("KDUMP_S3=https://s3.example.com/dumps", "KDUMP_S3=https://s3.example.com/dumps: https is not supported")]
    [InlineData("KDUMP_S3=ftp://h/dumps", "KDUMP_S3=ftp://h/dumps: expected http://")]
    [InlineData("KDUMP_S3=http://h:99999/dumps", "bad port")]
    [InlineData("KDUMP_S3=http://h/Dumps", "'Dumps' is not a bucket name")]
    [InlineData("KDUMP_S3=http://key:secret@h/dumps", "credentials go in KDUMP_S3_CREDENTIALS")]
    [InlineData("KDUMP_S3=http://h/dumps/../x", "bad prefix")]
    [InlineData("KDUMP_S3=http://h/dumps\nKDUMP_S3_PART_SIZE=4", "KDUMP_S3_PART_SIZE=4: not a part size in MiB from 5 to 1024")]
    [InlineData("KDUMP_S3=http://h/dumps\nKDUMP_S3_REGION=us_east", "KDUMP_S3_REGION=us_east: not a region name")]
    public void RefusesWithTheKeyNamed(string config, string message)
    {
        var e = Assert.Throws<S3ConfigException>(() => S3Target.FromConfig(KdumpConfig.Parse(config + "\n")));
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void CredentialsMustBeOwnerOnly()
    {
        using var dir = new TempDir();
        string p = dir["creds"];
        File.WriteAllText(p, "[default]\naws_access_key_id = AK\naws_secret_access_key = SK\n");
        File.SetUnixFileMode(p, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);
        var e = Assert.Throws<S3ConfigException>(() => S3Credentials.Load(p));
        Assert.Equal($"KDUMP_S3_CREDENTIALS: {p}: mode 640 lets others read it: refusing the credentials (chmod 600 it)", e.Message);
        File.SetUnixFileMode(p, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        Assert.Equal(new S3Credentials("AK", "SK"), S3Credentials.Load(p));
        string link = dir["link"];
        File.CreateSymbolicLink(link, p);
        Assert.Contains("not a regular file", Assert.Throws<S3ConfigException>(() => S3Credentials.Load(link)).Message);
        Assert.Contains("No such file or directory", Assert.Throws<S3ConfigException>(() => S3Credentials.Load(dir["none"])).Message);
    }

    [SkippableFact]
    public void CredentialsOwnedByAnotherUserAreRefused()
    {
        Skip.IfNot(Environment.UserName == "root", "chown needs root");
        using var dir = new TempDir();
        string p = dir["creds"];
        File.WriteAllText(p, "aws_access_key_id = AK\naws_secret_access_key = SK\n");
        File.SetUnixFileMode(p, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var r = RealData.Run("/bin/chown", ["65534", p]);
        Assert.Equal(0, r.ExitCode);
        var e = Assert.Throws<S3ConfigException>(() => S3Credentials.Load(p));
        Assert.Equal($"KDUMP_S3_CREDENTIALS: {p}: owned by uid 65534, not by root: refusing the credentials", e.Message);
    }
}
