namespace FdHandoff.Protocol;

/// <summary>
/// One generation with a worker alive, in a <see cref="StatusReply"/>: which configuration it runs (the file, the
/// start of its SHA-256, its mtime; hash "none" without a file) and which listeners it was handed.
/// </summary>
internal sealed record GenerationStatus(int Generation, string ConfigurationFile, string ConfigurationHash, DateTimeOffset? ConfigurationModified, IReadOnlyList<string> Listeners);
