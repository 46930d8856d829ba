//! The one diesel schema of both databases, in the type subset they share (and that
//! `#[derive(MultiConnection)]` supports): ids `BigInt`, `Text`, `Bool`, `Timestamp` holding UTC
//! (read and written as `chrono::NaiveDateTime`), money `BigInt` fen.
//!
//! Hand-written (not `diesel print-schema`) and kept in step with `migrations/sqlite` and
//! `migrations/postgres`; the migration round-trip test loads every table through it on both.

diesel::table! {
    users (id) {
        id -> BigInt,
        username -> Text,
        password_hash -> Text,
        role -> Text,
        display_name -> Text,
        county -> Nullable<Text>,
        enterprise_id -> Nullable<BigInt>,
        provider_id -> Nullable<BigInt>,
        active -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        must_change_password -> Bool,
    }
}

diesel::table! {
    refresh_tokens (id) {
        id -> BigInt,
        user_id -> BigInt,
        family -> Text,
        token_hash -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    login_failures (id) {
        id -> BigInt,
        username -> Text,
        failed_at -> Timestamp,
        client_ip -> Nullable<Text>,
        pending -> Bool,
    }
}

diesel::table! {
    enterprises (id) {
        id -> BigInt,
        name -> Text,
        credit_code -> Text,
        county -> Text,
        industry -> Text,
        above_designated_size -> Bool,
        employees -> BigInt,
        annual_revenue_fen -> BigInt,
        is_little_giant -> Bool,
        central_fund_excluded -> Bool,
        credit_abnormal -> Bool,
        dishonest -> Bool,
        disqualified -> Bool,
        contact_name -> Text,
        contact_phone -> Text,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    providers (id) {
        id -> BigInt,
        name -> Text,
        credit_code -> Text,
        capabilities -> Text,
        status -> Text,
        status_reason -> Nullable<Text>,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        credit_abnormal -> Bool,
        dishonest -> Bool,
    }
}

diesel::table! {
    assignments (id) {
        id -> BigInt,
        enterprise_id -> BigInt,
        provider_id -> BigInt,
        assigned_by -> Nullable<BigInt>,
        assigned_at -> Timestamp,
    }
}

diesel::table! {
    batches (id) {
        id -> BigInt,
        number -> BigInt,
        name -> Text,
        diagnosis_due -> Date,
        retrofit_due -> Date,
        acceptance_start -> Date,
        acceptance_end -> Date,
        created_at -> Timestamp,
    }
}

diesel::table! {
    batch_enterprises (batch_id, enterprise_id) {
        batch_id -> BigInt,
        enterprise_id -> BigInt,
        added_at -> Timestamp,
    }
}

diesel::joinable!(assignments -> enterprises (enterprise_id));
diesel::joinable!(assignments -> providers (provider_id));
diesel::joinable!(batch_enterprises -> batches (batch_id));
diesel::joinable!(batch_enterprises -> enterprises (enterprise_id));

diesel::table! {
    diagnoses (id) {
        id -> BigInt,
        enterprise_id -> BigInt,
        provider_id -> BigInt,
        estimated_level -> BigInt,
        summary -> Text,
        common_needs -> Text,
        individual_needs -> Text,
        fee_fen -> BigInt,
        file_id -> BigInt,
        created_by -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    projects (id) {
        id -> BigInt,
        enterprise_id -> BigInt,
        batch_id -> BigInt,
        provider_id -> BigInt,
        county -> Text,
        industry -> Text,
        contract_no -> Text,
        contract_amount_fen -> BigInt,
        planned_investment_fen -> BigInt,
        target_level -> BigInt,
        overlapping_support_declared -> Bool,
        status -> Text,
        policy_id -> Text,
        policy_version -> BigInt,
        planned_subsidy_fen -> BigInt,
        prepayment_fen -> BigInt,
        achieved_level -> Nullable<BigInt>,
        evaluation_score_centi -> Nullable<BigInt>,
        evaluated_on -> Nullable<Date>,
        evaluation_file_id -> Nullable<BigInt>,
        final_subsidy_fen -> Nullable<BigInt>,
        cancel_reason -> Nullable<Text>,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        evaluation_detail -> Nullable<Text>,
        computed_level -> Nullable<BigInt>,
        enterprise_cap_bound -> Bool,
        diagnosis_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    project_history (id) {
        id -> BigInt,
        project_id -> BigInt,
        from_status -> Nullable<Text>,
        to_status -> Text,
        action -> Text,
        actor_id -> Nullable<BigInt>,
        actor_role -> Nullable<Text>,
        comment -> Text,
        at -> Timestamp,
    }
}

diesel::table! {
    expenses (id) {
        id -> BigInt,
        project_id -> BigInt,
        enterprise_id -> BigInt,
        category -> Text,
        amount_fen -> BigInt,
        invoice_no -> Text,
        paid_on -> Date,
        created_at -> Timestamp,
    }
}

diesel::table! {
    notices (id) {
        id -> BigInt,
        starts_on -> Date,
        ends_on -> Date,
        status -> Text,
        created_by -> BigInt,
        created_at -> Timestamp,
        closed_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    notice_projects (notice_id, project_id) {
        notice_id -> BigInt,
        project_id -> BigInt,
        upheld -> Nullable<Bool>,
    }
}

diesel::table! {
    objections (id) {
        id -> BigInt,
        notice_id -> BigInt,
        project_id -> BigInt,
        content -> Text,
        received_on -> Date,
        upheld -> Nullable<Bool>,
        recorded_by -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    payments (id) {
        id -> BigInt,
        kind -> Text,
        project_id -> Nullable<BigInt>,
        enterprise_id -> Nullable<BigInt>,
        provider_id -> Nullable<BigInt>,
        county -> Nullable<Text>,
        payee -> Text,
        direction -> Text,
        amount_fen -> BigInt,
        central_fen -> BigInt,
        city_fen -> BigInt,
        county_fen -> BigInt,
        status -> Text,
        created_at -> Timestamp,
        approved_by -> Nullable<BigInt>,
        approved_at -> Nullable<Timestamp>,
        paid_on -> Nullable<Date>,
        voucher_no -> Nullable<Text>,
        executed_by -> Nullable<BigInt>,
        executed_at -> Nullable<Timestamp>,
        cancelled_at -> Nullable<Timestamp>,
    }
}

diesel::joinable!(refresh_tokens -> users (user_id));

diesel::table! {
    /// The append-only, hash-chained audit log (written only by `crate::audit`).
    audit_events (id) {
        id -> BigInt,
        seq -> BigInt,
        at -> Timestamp,
        actor_user_id -> Nullable<BigInt>,
        actor_role -> Nullable<Text>,
        action -> Text,
        entity_type -> Text,
        entity_id -> Text,
        before_json -> Nullable<Text>,
        after_json -> Nullable<Text>,
        prev_hash -> Text,
        hash -> Text,
    }
}

diesel::table! {
    /// Metadata of uploaded files; the bytes are content-addressed in the data dir (`crate::uploads`).
    stored_files (id) {
        id -> BigInt,
        sha256 -> Text,
        size_bytes -> BigInt,
        content_type -> Text,
        original_name -> Text,
        uploaded_by -> Nullable<BigInt>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    /// Running totals of the projects by county, industry, batch and status, kept by triggers
    /// (migration `…_read_paths`). Read through `crate::scope`.
    project_totals (county, industry, batch_id, status) {
        county -> Text,
        industry -> Text,
        batch_id -> BigInt,
        status -> Text,
        project_count -> BigInt,
        planned_subsidy_fen -> BigInt,
        final_subsidy_fen -> BigInt,
    }
}

diesel::table! {
    /// Running totals of the evaluated projects by county, status, level reached and the
    /// enterprise's size class, kept by triggers. Read through `crate::scope`.
    project_level_totals (county, status, achieved_level, above_designated_size) {
        county -> Text,
        status -> Text,
        achieved_level -> BigInt,
        above_designated_size -> Bool,
        project_count -> BigInt,
    }
}

diesel::table! {
    /// Running totals of the enterprises by county and industry, kept by triggers. Read through
    /// `crate::scope`.
    enterprise_totals (county, industry) {
        county -> Text,
        industry -> Text,
        enterprises -> BigInt,
    }
}

diesel::table! {
    /// Running totals of the payment instructions by county (`''`: none named), kind and status,
    /// kept by triggers. Read through `crate::scope`.
    payment_totals (county, kind, status) {
        county -> Text,
        kind -> Text,
        status -> Text,
        instructions -> BigInt,
        amount_fen -> BigInt,
        central_fen -> BigInt,
        city_fen -> BigInt,
        county_fen -> BigInt,
    }
}

diesel::table! {
    /// Members of each batch by the enterprise's county, kept by triggers. Read through `crate::scope`.
    batch_member_totals (batch_id, county) {
        batch_id -> BigInt,
        county -> Text,
        enterprises -> BigInt,
    }
}

diesel::table! {
    /// Budgets per pool (SPEC §7b): fund `central` | `city` | `county`, `county` '' unless the county fund.
    budgets (id) {
        id -> BigInt,
        fund -> Text,
        county -> Text,
        amount_fen -> BigInt,
        retrofit_amount_fen -> Nullable<BigInt>,
        created_by -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    /// What each pool has drawn, by share (`retrofit` | `other`), kept by `crate::budget`.
    fund_usage (fund, county, share) {
        fund -> Text,
        county -> Text,
        share -> Text,
        used_fen -> BigInt,
    }
}

diesel::table! {
    /// A retrofit project's commitment (at the city's approval) and current draw on the funds.
    project_commitments (project_id) {
        project_id -> BigInt,
        county -> Text,
        committed_central_fen -> BigInt,
        committed_city_fen -> BigInt,
        committed_county_fen -> BigInt,
        central_fen -> BigInt,
        city_fen -> BigInt,
        county_fen -> BigInt,
    }
}

diesel::table! {
    /// R11: declared cloud fees and the subsidy each made due.
    cloud_fees (id) {
        id -> BigInt,
        enterprise_id -> BigInt,
        amount_fen -> BigInt,
        period -> Text,
        invoice_no -> Text,
        subsidy_fen -> BigInt,
        payment_id -> BigInt,
        created_by -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    /// R12: awards and the instruction each made due.
    awards (id) {
        id -> BigInt,
        kind -> Text,
        recipient_type -> Text,
        enterprise_id -> Nullable<BigInt>,
        provider_id -> Nullable<BigInt>,
        industry -> Nullable<Text>,
        amount_fen -> BigInt,
        comment -> Text,
        payment_id -> BigInt,
        created_by -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    /// Awards per kind and industry ('' none): the per-industry places of R12, one lockable row each.
    award_places (kind, industry) {
        kind -> Text,
        industry -> Text,
        awards -> BigInt,
    }
}

// Every table may appear with every other in one query (one invocation: pairs must not repeat).
diesel::allow_tables_to_appear_in_same_query!(
    users,
    refresh_tokens,
    login_failures,
    enterprises,
    providers,
    assignments,
    batches,
    batch_enterprises,
    diagnoses,
    projects,
    project_history,
    expenses,
    notices,
    notice_projects,
    objections,
    payments,
    budgets,
    fund_usage,
    project_commitments,
    cloud_fees,
    awards,
    award_places,
);

diesel::joinable!(projects -> enterprises (enterprise_id));
// The dashboard groups accepted projects by the enterprise's size class and the level reached.
diesel::allow_columns_to_appear_in_same_group_by_clause!(enterprises::above_designated_size, projects::achieved_level);

diesel::table! {
    /// One row per successful import of an enterprise survey list (`POST /imports/enterprises`).
    enterprise_imports (id) {
        id -> BigInt,
        file_name -> Text,
        sha256 -> Text,
        size_bytes -> BigInt,
        created -> BigInt,
        county -> Nullable<Text>,
        imported_by -> BigInt,
        imported_at -> Timestamp,
    }
}

diesel::joinable!(enterprise_imports -> users (imported_by));
diesel::allow_tables_to_appear_in_same_query!(enterprise_imports, users);
// The reports sum instructions by their county and their enterprise's industry.
diesel::allow_columns_to_appear_in_same_group_by_clause!(payments::county, enterprises::industry);
// ---- issue 5: provider performance evaluations and the 小快轻准 catalogue ----

diesel::table! {
    /// One yearly performance evaluation of a provider (实施方案 附件2 item 18); scores in hundredths.
    provider_evaluations (id) {
        id -> BigInt,
        provider_id -> BigInt,
        year -> BigInt,
        results_centi -> BigInt,
        feedback_centi -> BigInt,
        process_centi -> BigInt,
        report_quality_centi -> BigInt,
        sampling_centi -> BigInt,
        composite -> Text,
        weights -> Text,
        comment -> Text,
        created_by -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    /// 小快轻准 products and solutions offered by providers, reviewed by the city bureau.
    products (id) {
        id -> BigInt,
        provider_id -> BigInt,
        name -> Text,
        industry -> Text,
        summary -> Text,
        price_fen -> Nullable<BigInt>,
        status -> Text,
        review_comment -> Nullable<Text>,
        reviewed_by -> Nullable<BigInt>,
        reviewed_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    /// Products an enterprise names in its retrofit project.
    project_products (project_id, product_id) {
        project_id -> BigInt,
        product_id -> BigInt,
        linked_by -> BigInt,
        linked_at -> Timestamp,
    }
}

diesel::joinable!(provider_evaluations -> providers (provider_id));
diesel::joinable!(products -> providers (provider_id));
diesel::joinable!(project_products -> products (product_id));
diesel::allow_tables_to_appear_in_same_query!(provider_evaluations, providers);
diesel::allow_tables_to_appear_in_same_query!(products, providers);
diesel::allow_tables_to_appear_in_same_query!(project_products, products);
diesel::allow_tables_to_appear_in_same_query!(project_products, providers);

diesel::table! {
    /// The product an R12 award was granted to (excellent product, standard package); the money
    /// goes to its provider (`awards.provider_id`).
    award_products (award_id) {
        award_id -> BigInt,
        product_id -> BigInt,
    }
}

diesel::joinable!(award_products -> awards (award_id));
diesel::joinable!(award_products -> products (product_id));
diesel::allow_tables_to_appear_in_same_query!(award_products, awards);
diesel::allow_tables_to_appear_in_same_query!(award_products, products);

diesel::table! {
    /// The city bureau's confirmation of a reading the policy profile assumes (SPEC §9.1).
    policy_confirmations (id) {
        id -> BigInt,
        profile_id -> Text,
        profile_version -> BigInt,
        key -> Text,
        value -> Text,
        document_no -> Text,
        note -> Text,
        confirmed_by -> BigInt,
        confirmed_at -> Timestamp,
    }
}

diesel::joinable!(policy_confirmations -> users (confirmed_by));
diesel::allow_tables_to_appear_in_same_query!(policy_confirmations, users);

diesel::table! {
    /// SPEC §9.1: the one invoice register — a number claimed once per enterprise, by its key.
    invoice_claims (enterprise_id, invoice_key) {
        enterprise_id -> BigInt,
        invoice_key -> Text,
        invoice_no -> Text,
        source -> Text,
        source_id -> BigInt,
        claimed_at -> Timestamp,
    }
}

diesel::table! {
    /// Claims found duplicate (under the key) when the register was filled from earlier rows.
    invoice_claim_duplicates (source, source_id) {
        enterprise_id -> BigInt,
        invoice_key -> Text,
        invoice_no -> Text,
        source -> Text,
        source_id -> BigInt,
        claimed_at -> Timestamp,
    }
}

diesel::joinable!(invoice_claims -> enterprises (enterprise_id));
diesel::allow_tables_to_appear_in_same_query!(invoice_claims, enterprises);

diesel::table! {
    /// SPEC §9.1: the city's findings (第十四条) on an enterprise or a provider.
    findings (id) {
        id -> BigInt,
        subject_type -> Text,
        subject_id -> BigInt,
        kind -> Text,
        document_no -> Text,
        description -> Text,
        disqualify -> Bool,
        county -> Nullable<Text>,
        created_by -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    /// SPEC §9.1: a finding's recovery instruction and the paid instruction it reclaims.
    finding_recoveries (recovery_id) {
        recovery_id -> BigInt,
        finding_id -> BigInt,
        reclaims_id -> BigInt,
    }
}

diesel::joinable!(finding_recoveries -> findings (finding_id));
diesel::allow_tables_to_appear_in_same_query!(finding_recoveries, findings, payments);
