// Hand-written: EF design-time tools are not available here. See docs/decisions/002-hand-written-migrations.md.
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace ExpertPool.Domain.Persistence.Migrations.Postgres;

/// <summary>
/// The cooldown rule reads an applicant's engagements around the review date with their expert and project: the
/// (ApplicantOrganisationId, ReviewDate) index becomes a covering one, so those rows need no table lookups
/// (docs/decisions/013-eligibility-speed.md, section 6).
/// </summary>
[DbContext(typeof(PostgresExpertPoolDbContext))]
[Migration("20261201000100_CooldownCoveringIndex")]
public sealed class CooldownCoveringIndex : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""
CREATE INDEX "IX_expert_engagements_Cooldown" ON expert_engagements ("ApplicantOrganisationId", "ReviewDate", "ExpertId", "ProjectId");
DROP INDEX "IX_expert_engagements_ApplicantOrganisationId_ReviewDate";
""");
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""
CREATE INDEX "IX_expert_engagements_ApplicantOrganisationId_ReviewDate" ON expert_engagements ("ApplicantOrganisationId", "ReviewDate");
DROP INDEX "IX_expert_engagements_Cooldown";
""");
    }
}
