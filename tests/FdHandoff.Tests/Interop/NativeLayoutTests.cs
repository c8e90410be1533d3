using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;
using FdHandoff.Interop;

namespace FdHandoff.Tests.Interop;

/// <summary>
/// Checks the hand-written interop layer against the real C headers, as Tmds.LibC does: every struct's
/// size and field offsets, and every constant in <see cref="Libc"/>. A wrong value here fails silently in
/// production (a descriptor lost in a cmsghdr, a flag that means something else).
/// </summary>
public sealed class NativeLayoutTests
{
    private static readonly Type[] Structs =
        [typeof(Libc.msghdr), typeof(Libc.cmsghdr), typeof(Libc.iovec), typeof(Libc.ucred), typeof(Libc.pollfd), typeof(Libc.sockaddr_un), typeof(Libc.timeval), typeof(Libc.group), typeof(Libc.statx_buffer)];

    /// <summary>C spellings of structs and fields whose .NET name differs (a struct cannot share its name with the call).</summary>
    private static readonly Dictionary<string, string> CNames = new()
    {
        ["statx_buffer"] = "statx",
        ["statx_buffer.stx_ctime_sec"] = "stx_ctime.tv_sec",
        ["statx_buffer.stx_ctime_nsec"] = "stx_ctime.tv_nsec",
    };

    /// <summary>Constants whose C spelling differs from ours, or that user space cannot see; null means not checkable.</summary>
    private static readonly Dictionary<string, string?> CExpressions = new()
    {
        ["SUN_PATH_LENGTH"] = "sizeof(((struct sockaddr_un*)0)->sun_path)",
        // SCM_MAX_FD lives in the kernel's include/net/scm.h only; no user-space header defines it.
        ["SCM_MAX_FD"] = null,
    };

    private const string Headers = """
        #define _GNU_SOURCE
        #include <stdio.h>
        #include <stddef.h>
        #include <errno.h>
        #include <fcntl.h>
        #include <grp.h>
        #include <poll.h>
        #include <signal.h>
        #include <sys/mman.h>
        #include <sys/socket.h>
        #include <sys/stat.h>
        #include <sys/resource.h>
        #include <sys/time.h>
        #include <sys/uio.h>
        #include <sys/wait.h>
        #include <sys/syscall.h>
        #include <sys/un.h>
        #include <netinet/in.h>
        #include <linux/sctp.h>
        """;

    [GccFact]
    public void Struct_sizes_and_field_offsets_match_the_C_headers()
    {
        var source = new StringBuilder(Headers).AppendLine().AppendLine("int main(void) {");
        var expected = new Dictionary<string, long>();
        foreach (var type in Structs)
        {
            string c = "struct " + CNames.GetValueOrDefault(type.Name, type.Name);
            source.AppendLine($"""    printf("sizeof {type.Name} %zu\n", sizeof({c}));""");
            expected[$"sizeof {type.Name}"] = Marshal.SizeOf(type);
            foreach (var field in type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
            {
                string cField = CNames.GetValueOrDefault($"{type.Name}.{field.Name}", field.Name);
                source.AppendLine($"""    printf("offsetof {type.Name}.{field.Name} %zu\n", offsetof({c}, {cField}));""");
                expected[$"offsetof {type.Name}.{field.Name}"] = Marshal.OffsetOf(type, field.Name).ToInt64();
            }
        }
        source.AppendLine("    return 0;\n}");

        AssertSameValues(expected, CCompiler.CompileAndRun(source.ToString()));
    }

    [GccFact]
    public void Constants_match_the_C_headers()
    {
        var source = new StringBuilder(Headers).AppendLine().AppendLine("int main(void) {");
        var expected = new Dictionary<string, long>();
        foreach (var field in typeof(Libc).GetFields(BindingFlags.Static | BindingFlags.NonPublic | BindingFlags.Public))
        {
            if (!field.IsLiteral || field.FieldType == typeof(string)) continue;
            string? expression = CExpressions.TryGetValue(field.Name, out var mapped) ? mapped : field.Name;
            if (expression is null) continue;
            source.AppendLine($"""    printf("{field.Name} %lld\n", (long long)({expression}));""");
            expected[field.Name] = Convert.ToInt64(field.GetRawConstantValue());
        }
        source.AppendLine("    return 0;\n}");

        AssertSameValues(expected, CCompiler.CompileAndRun(source.ToString()));
    }

    private static void AssertSameValues(Dictionary<string, long> expected, string output)
    {
        var actual = output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => (Key: line[..line.LastIndexOf(' ')], Value: long.Parse(line[(line.LastIndexOf(' ') + 1)..])))
            .ToDictionary(p => p.Key, p => p.Value);
        var mismatches = expected
            .Where(e => !actual.TryGetValue(e.Key, out long c) || c != e.Value)
            .Select(e => $"{e.Key}: ours {e.Value}, C {(actual.TryGetValue(e.Key, out long c) ? c : "missing")}")
            .ToList();
        Assert.True(mismatches.Count == 0, "Interop differs from the C headers:\n" + string.Join("\n", mismatches));
        Assert.Equal(expected.Count, actual.Count);
    }
}
