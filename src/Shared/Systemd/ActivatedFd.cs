using FdHandoff.Interop;

namespace FdHandoff.Systemd;

/// <summary>
/// A descriptor systemd passed at start-up (socket activation or the descriptor store), with its name
/// from LISTEN_FDNAMES: <c>FileDescriptorName=</c> of the .socket unit, the FDNAME it was stored under,
/// or <c>unknown</c>. The receiver of this object owns <see cref="Fd"/> and must dispose it (or hand it on).
/// </summary>
internal sealed class ActivatedFd(string name, SafeFd fd) : IDisposable
{
    /// <summary>The name systemd gave, <c>unknown</c> when it gave none.</summary>
    public string Name { get; } = name;

    /// <summary>The descriptor, already CLOEXEC.</summary>
    public SafeFd Fd { get; } = fd;

    public void Dispose() => Fd.Dispose();

    public override string ToString() => $"systemd fd {Fd.Value} ({Name})";
}
