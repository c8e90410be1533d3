using FdHandoff.Unix;

namespace FdHandoff.Supervisor.Configuration;

/// <summary>Where the control socket lives when the configuration does not say.</summary>
internal static class ControlSocketLocation
{
    public const string FileName = "control.sock";

    /// <summary>
    /// <c>ControlSocket</c> if set; else <c>$RUNTIME_DIRECTORY/control.sock</c> (systemd's RuntimeDirectory=);
    /// else <c>/run/fdhandoff/control.sock</c> for root and <c>$XDG_RUNTIME_DIR/fdhandoff/control.sock</c>
    /// (or <c>/tmp/fdhandoff-UID/</c>) for other users. The CLI resolves it the same way.
    /// </summary>
    public static string Resolve(string? configured)
    {
        if (!string.IsNullOrWhiteSpace(configured)) return Path.GetFullPath(configured);
        string? runtime = Environment.GetEnvironmentVariable("RUNTIME_DIRECTORY");
        if (!string.IsNullOrEmpty(runtime)) return Path.Combine(runtime.Split(':')[0], FileName);
        uint uid = UnixUser.EffectiveId;
        if (uid == 0) return Path.Combine("/run/fdhandoff", FileName);
        string? xdg = Environment.GetEnvironmentVariable("XDG_RUNTIME_DIR");
        return string.IsNullOrEmpty(xdg)
            ? Path.Combine($"/tmp/fdhandoff-{uid}", FileName)
            : Path.Combine(xdg, "fdhandoff", FileName);
    }
}
