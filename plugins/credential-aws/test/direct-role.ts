/** A role the host identity assumes directly (aws-assume-role), with its External ID, created in these tests. */
export const DIRECT_ROLE = "arn:aws:iam::210987654321:role/conveyor-direct";
export const DIRECT_EXTERNAL_ID = "td-external-id:0123456789";
