using System.Text.Json.Serialization;

namespace FdHandoff.Supervisor.SavedState;

/// <summary>Source-generated JSON for the saved state (no reflection: the supervisor is NativeAOT-compiled).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = false)]
[JsonSerializable(typeof(SupervisorSnapshot))]
internal sealed partial class SupervisorStateJson : JsonSerializerContext;
