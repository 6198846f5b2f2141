using System.Text.Json;

namespace ExpertPool.Domain.Draws;

/// <summary>
/// What a stored record reveals beyond its own draw. The exclusions in its context carry evidence, and a few reasons name
/// another project whose panel the evidence gives away: an earlier engagement behind a cooldown, or an invitation declined
/// with a conflict (<see cref="Conflicts.ExclusionReason.ProjectId"/>). The record as a whole is then as sealed as the
/// latest of those panels (decision 028).
/// </summary>
public static class DrawRecordDisclosure
{
    /// <summary>
    /// The projects named by <c>context.exclusions[].reasons[].projectId</c> in the stored UTF-8 document; none for a
    /// record written before they were; null when the document is not readable JSON (a damaged row: what it reveals
    /// cannot be told, and verification reports the damage).
    /// </summary>
    public static HashSet<Guid>? RevealedProjects(ReadOnlyMemory<byte> utf8)
    {
        var projects = new HashSet<Guid>();
        try
        {
            using var json = JsonDocument.Parse(utf8);
            if (json.RootElement.ValueKind != JsonValueKind.Object)
                return null;
            if (!json.RootElement.TryGetProperty("context", out var context) || context.ValueKind != JsonValueKind.Object
                || !context.TryGetProperty("exclusions", out var exclusions) || exclusions.ValueKind != JsonValueKind.Array)
                return projects;
            foreach (var exclusion in exclusions.EnumerateArray())
            {
                if (exclusion.ValueKind != JsonValueKind.Object || !exclusion.TryGetProperty("reasons", out var reasons) || reasons.ValueKind != JsonValueKind.Array)
                    continue;
                foreach (var reason in reasons.EnumerateArray())
                {
                    if (reason.ValueKind == JsonValueKind.Object && reason.TryGetProperty("projectId", out var project) && project.ValueKind == JsonValueKind.String
                        && Guid.TryParse(project.GetString(), out var id))
                        projects.Add(id);
                }
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            // Not JSON, not valid UTF-8, or a string that is not valid UTF-16 (a lone surrogate escaped).
            return null;
        }
        return projects;
    }
}
