-- A write the API sent may reach a PostgreSQL that froze with it in hand and commit once it
-- resumes, after the caller was answered 503. Statements and transactions of the API call this last
-- with the time their caller stops waiting (`answerBy` in src/db/client.ts): past it, they roll back.
CREATE FUNCTION opkomst_answer_by(deadline timestamptz) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF deadline IS NOT NULL AND clock_timestamp() > deadline THEN
    RAISE EXCEPTION 'the caller was answered before this could commit; rolled back'
      USING ERRCODE = '57014';
  END IF;
END
$$;
